import { createDeployer, webhookDeployMaxMs } from '../../delivery/deployers/index.js';
import { assertDeployCommandAllowed } from './allow-list.js';
import type { DeployRequest, DeployResult } from '../../delivery/deployers/index.js';
import type { Actor } from '../../domain/roles/index.js';
import type { Store } from '../../store/index.js';
import {
  confirmImageDeployment,
  exportImage,
  failImageDeployment,
  imageWorkflowRepository,
  onCommittedImageStep,
} from '../image/index.js';
import type { DeploymentStage, ImageChangeRecord } from '../image/index.js';
import { readDeployer } from './stored-config.js';
import type { StoredDeployerConfig } from './stored-config.js';

/**
 * The actor a deployer's answer is recorded as: it reports through the same workflow as an engineer's
 * `deploy confirm|fail`, and the audit log names it apart from any person.
 */
export const DEPLOYER_ACTOR: Actor = {
  userId: 'system:deployer',
  name: 'Ratchet deployer',
  role: 'provider-engineer',
  tenantId: null,
};

/** A `running` hand-off untouched this long past its deployer's timeout belongs to a dead process. */
const STALE_GRACE_MS = 60_000;

export type HandOffOutcome =
  | { status: 'nothing-pending' }
  | { status: 'awaiting-confirmation'; instanceId: string; revision: number }
  | { status: 'already-handed-off'; instanceId: string; revision: number }
  | { status: 'awaiting-callback'; instanceId: string; revision: number }
  | { status: 'deployed' | 'failed'; instanceId: string; revision: number; reason?: string };

function pendingStage(change: ImageChangeRecord): DeploymentStage | undefined {
  if (change.state !== 'deploying') return undefined;
  return change.stages.find((s) => s.status === 'pending' && s.revision !== null);
}

async function deployRequestFor(
  change: ImageChangeRecord,
  stage: DeploymentStage,
  store: Store,
): Promise<DeployRequest> {
  const revision = stage.revision!;
  const render = (format: 'requirements.txt' | 'pylock.toml') =>
    exportImage(store, DEPLOYER_ACTOR, { instance: stage.instanceId, revision, format });
  return {
    instanceId: stage.instanceId,
    revision,
    files: {
      'requirements.txt': (await render('requirements.txt')).text,
      'pylock.toml': (await render('pylock.toml')).text,
    },
    metadata: {
      instanceName: stage.instanceName,
      purpose: stage.purpose,
      changeId: change.id,
      changeKind: change.kind,
      reason: change.reason,
      requests: change.requests,
      attempt: stage.attempts,
    },
  };
}

/** How long a live hand-off may run before a restart may take it over as abandoned. */
function timeoutOf(config: StoredDeployerConfig): number {
  if (config.kind === 'record') return 0;
  return config.kind === 'webhook' ? webhookDeployMaxMs(config.timeoutMs) : config.timeoutMs;
}

/**
 * Records a deployer's final answer through the same workflow steps as a person's
 * `deploy confirm|fail`, then hands the next stage (a rollback's production after its test instance)
 * to that stage's deployer.
 */
export async function recordDeployResult(
  store: Store,
  stage: { instanceId: string; revision: number },
  result: { status: 'deployed' } | { status: 'failed'; reason: string },
): Promise<ImageChangeRecord> {
  const input = { instance: stage.instanceId, revision: stage.revision };
  const change =
    result.status === 'deployed'
      ? await confirmImageDeployment(store, DEPLOYER_ACTOR, input)
      : await failImageDeployment(store, DEPLOYER_ACTOR, { ...input, error: result.reason.slice(0, 2000) });
  await store.repos.deployers.updateHandOff({
    ...stage,
    from: ['running', 'awaiting-callback'],
    state: 'finished',
    outcome: result.status === 'deployed' ? 'deployed' : `failed: ${result.reason}`,
    at: store.now().toISOString(),
  });
  return change;
}

async function runDeployer(
  store: Store,
  change: ImageChangeRecord,
  stage: DeploymentStage,
  config: Exclude<StoredDeployerConfig, { kind: 'record' }>,
): Promise<HandOffOutcome> {
  const revision = stage.revision!;
  const key = { instanceId: stage.instanceId, revision };
  let result: DeployResult;
  try {
    if (config.kind === 'command') assertDeployCommandAllowed(config.command);
    result = await createDeployer(config).deploy(await deployRequestFor(change, stage, store));
  } catch (error) {
    result = { status: 'failed', reason: `the deployer crashed: ${(error as Error).message}` };
  }
  if (result.status === 'awaiting-callback' || result.status === 'awaiting-confirmation') {
    // The callback may have come first: then the hand-off is already finished and stays so.
    await store.repos.deployers.updateHandOff({
      ...key,
      from: ['running'],
      state: 'awaiting-callback',
      outcome: result.status,
      at: store.now().toISOString(),
    });
    return { status: 'awaiting-callback', ...key };
  }
  const next = await recordDeployResult(store, key, result);
  await handOffDeployment(store, next);
  return result.status === 'deployed'
    ? { status: 'deployed', ...key }
    : { status: 'failed', ...key, reason: result.reason };
}

/**
 * Hands the pending image revision of `change` (as a workflow step returned it, i.e. after its
 * transaction committed) to the instance's deployer: `record` waits for `deploy confirm|fail`;
 * `command` runs and its exit decides; `webhook` POSTs the signed revision and waits for the signed
 * callback. Runs at most once per revision (a claimed row in `deployment_hand_offs`), so calling it
 * again (a retried request, a restart) is harmless.
 */
export async function handOffDeployment(
  store: Store,
  change: ImageChangeRecord,
  options: { staleBefore?: string } = {},
): Promise<HandOffOutcome> {
  const stage = pendingStage(change);
  if (stage === undefined) return { status: 'nothing-pending' };
  const revision = stage.revision!;
  const { config } = await readDeployer(store.repos, store.secrets, stage.instanceId);
  if (config.kind === 'record')
    return { status: 'awaiting-confirmation', instanceId: stage.instanceId, revision };
  const claimed = await store.repos.deployers.claimHandOff({
    instanceId: stage.instanceId,
    revision,
    kind: config.kind,
    at: store.now().toISOString(),
    ...(options.staleBefore !== undefined ? { staleBefore: options.staleBefore } : {}),
  });
  if (!claimed) return { status: 'already-handed-off', instanceId: stage.instanceId, revision };
  return runDeployer(store, change, stage, config);
}

const running = new WeakMap<Store, Set<Promise<unknown>>>();

/**
 * Starts `handOffDeployment` in the background (a command may run for minutes; the HTTP answer does
 * not wait). `onError` hears what went wrong; `settleHandOffs` waits for all of them.
 */
export function startHandOff(
  store: Store,
  change: ImageChangeRecord,
  onError: (error: unknown) => void,
): void {
  if (pendingStage(change) === undefined) return;
  const set = running.get(store) ?? new Set<Promise<unknown>>();
  running.set(store, set);
  const task: Promise<unknown> = handOffDeployment(store, change)
    .catch(onError)
    .finally(() => set.delete(task));
  set.add(task);
}

/**
 * Plugs the deployers into the image workflow: once an image step committed a pending revision, it
 * goes to its instance's deployer in the background. The deployer's own reports are left out:
 * recordDeployResult's callers hand the next stage off themselves and wait for it. Returns the
 * function that unplugs it (server close).
 */
export function installDeployerHandOff(store: Store, onError: (error: unknown) => void): () => void {
  return onCommittedImageStep(store, (change, actor) => {
    if (actor.userId === DEPLOYER_ACTOR.userId) return;
    startHandOff(store, change, onError);
  });
}

/** Waits until every background hand-off of `store` finished (server shutdown, tests). */
export async function settleHandOffs(store: Store): Promise<void> {
  const set = running.get(store);
  while (set !== undefined && set.size > 0) await Promise.allSettled([...set]);
}

export interface ResumeReport {
  /** Hand-offs run now: never started, or started by a process that died mid-deploy. */
  resumed: HandOffOutcome[];
  /** Webhook revisions still waiting for their callback: listed, not resent. */
  awaitingCallback: { instanceId: string; revision: number }[];
  /** Revisions that could not be handed off (e.g. a secret this server's key cannot open), and why. */
  failed: { instanceId: string; revision: number; reason: string }[];
}

/**
 * On server start: a crash between a step's commit and its hand-off must not lose the deployment.
 * Every pending revision whose instance has a `command` or `webhook` deployer is handed off again
 * when it never was, or when its `running` hand-off is older than the deployer's timeout plus a
 * minute (its process died). A command may thus run twice for one revision (at least once, like the
 * outbox); a webhook target drops the resend by its `Idempotency-Key`. Revisions that already wait
 * for a webhook callback are only listed: an engineer may `deploy confirm|fail` them by hand.
 */
export async function resumePendingDeployments(store: Store): Promise<ResumeReport> {
  const report: ResumeReport = { resumed: [], awaitingCallback: [], failed: [] };
  for (const change of await imageWorkflowRepository(store.repos).listOpen()) {
    const stage = pendingStage(change);
    if (stage === undefined) continue;
    // One revision that cannot be handed off must not keep the others waiting.
    try {
      const { config } = await readDeployer(store.repos, store.secrets, stage.instanceId);
      if (config.kind === 'record') continue;
      const existing = await store.repos.deployers.getHandOff(stage.instanceId, stage.revision!);
      if (existing?.state === 'awaiting-callback') {
        report.awaitingCallback.push({ instanceId: stage.instanceId, revision: stage.revision! });
        continue;
      }
      const staleBefore = new Date(store.now().getTime() - timeoutOf(config) - STALE_GRACE_MS).toISOString();
      const outcome = await handOffDeployment(store, change, { staleBefore });
      if (outcome.status !== 'already-handed-off') report.resumed.push(outcome);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      report.failed.push({ instanceId: stage.instanceId, revision: stage.revision!, reason });
    }
  }
  return report;
}

import { ConflictError } from '../../domain/errors/index.js';
import { assertCan } from '../../domain/roles/index.js';
import type { Actor } from '../../domain/roles/index.js';
import type { ImageContent } from '../../domain/revisions/index.js';
import { compareVersions, normalizeName } from '../../python/index.js';
import type { Repositories, Store } from '../../store/index.js';
import { auditedBy } from '../audit.js';
import { resolveInstance } from '../references.js';
import { parseInput } from '../schema.js';
import { readRepo } from './repository.js';
import type { ImageWorkflowRepository } from './repository.js';
import { DeployReportInput } from './schema.js';
import { actorOfUser, startStage } from './steps.js';
import { imageStep } from './machine.js';
import { runStep } from './transition.js';
import type { StepOutcome } from './transition.js';
import type { DeploymentStage, ImageChangeRecord, ImageChangeState } from './types.js';

async function changeDeployingOn(
  store: Store,
  actor: Actor,
  instanceRef: string,
): Promise<{ change: ImageChangeRecord; name: string; instanceId: string }> {
  const instance = await resolveInstance(store.repos, actor, instanceRef);
  const change = await readRepo(store).inFlight(instance.id);
  if (change === null || !change.stages.some((s) => s.instanceId === instance.id)) {
    // A state conflict, not a missing thing: the instance exists, nothing waits on it right now.
    throw new ConflictError(`No image deployment is waiting on ${instance.name}.`, {
      remedy: "List the instance's image requests to see where each one stands.",
    });
  }
  return { change, name: instance.name, instanceId: instance.id };
}

/** A deployer's report, once the change deploying on the instance it names is known. */
interface DeployerReport extends DeployReportInput {
  instanceId: string;
}

interface DeployerStepSpec {
  /** What an invalid input is called in the refusal. */
  label: string;
  step: 'deployed' | 'failed' | 'retry';
  apply: (
    tx: Repositories,
    repo: ImageWorkflowRepository,
    change: ImageChangeRecord,
    report: DeployerReport,
  ) => Promise<StepOutcome>;
}

/**
 * A deployer reports about an instance, not a change: the step runs on the image change deploying
 * there, whichever kind it is.
 */
async function runDeployerStep(
  store: Store,
  actor: Actor,
  input: DeployReportInput,
  spec: DeployerStepSpec,
): Promise<ImageChangeRecord> {
  // Checked before the change is known: the deployer's steps are the same in either kind.
  assertCan(actor, imageStep('rollback', spec.step).permission);
  const parsed = parseInput(DeployReportInput, input, spec.label);
  const { change, instanceId } = await changeDeployingOn(store, actor, parsed.instance);
  const report = { ...parsed, instanceId };
  return runStep(store, actor, {
    id: change.id,
    kind: change.kind,
    step: spec.step,
    apply: (tx, repo, latest) => spec.apply(tx, repo, latest, report),
  });
}

/**
 * The stage in `status` of the change, which must be on the instance the report names: a report
 * about acme-test must never move acme-prod, even when their revision numbers happen to match.
 */
function stageOn(
  change: ImageChangeRecord,
  status: DeploymentStage['status'],
  instanceId: string,
): { index: number; stage: DeploymentStage } {
  const index = change.stages.findIndex((s) => s.status === status);
  const stage = change.stages[index];
  if (stage === undefined) throw new ConflictError(`No deployment of ${change.id} is ${status}.`);
  if (stage.instanceId !== instanceId) {
    throw new ConflictError(
      `The ${status} deployment of ${change.id} is on ${stage.instanceName}, not on the instance this report names.`,
      {
        remedy: `Report on ${stage.instanceName}; a deployment that already finished cannot be reported again.`,
        extra: { pendingOn: stage.instanceName },
      },
    );
  }
  return { index, stage };
}

/** A deployer's answer about another revision than the pending one is stale: it must not move the instance. */
function assertReportedRevision(stage: DeploymentStage, revision: number | undefined): void {
  if (revision === undefined || revision === stage.revision) return;
  throw new ConflictError(
    `The report is about revision ${revision} of ${stage.instanceName}, but revision ${String(stage.revision)} is the one pending.`,
    {
      remedy: `Report on revision ${String(stage.revision)}, or list the instance's image revisions to see where each one stands.`,
      extra: { reported: revision, pending: stage.revision },
    },
  );
}

async function markStageRevision(
  tx: Repositories,
  actor: Actor,
  stage: DeploymentStage,
  status: DeploymentOutcome,
): Promise<void> {
  const revision = await tx.revisions.get(stage.instanceId, 'image', stage.revision ?? 0);
  if (revision === null)
    throw new ConflictError(`Image revision ${String(stage.revision)} of ${stage.instanceName} is missing.`);
  // Someone may already have reported it through the generic revision route: accept the same answer.
  if (revision.status === status) return;
  if (revision.status !== 'pending') {
    throw new ConflictError(
      `Image revision ${revision.number} of ${stage.instanceName} is already ${revision.status}.`,
      {
        remedy:
          status === 'deployed' ? 'Retry the deployment: a new revision is created.' : 'Nothing to report.',
      },
    );
  }
  const updated = await tx.revisions.setStatus(revision.id, revision.version, status);
  await tx.audit.append(
    auditedBy(actor, {
      tenantId: revision.tenantId,
      action: `revision.${status}`,
      target: `revision:${stage.instanceId}/image/${revision.number}`,
      before: { status: revision.status, version: revision.version },
      after: { status: updated.status, version: updated.version },
    }),
  );
}

type DeploymentOutcome = 'deployed' | 'failed';

/** The stage a deployer's report settled, and the change's stages with it marked. */
interface SettledStage {
  stage: DeploymentStage;
  stages: DeploymentStage[];
}

/**
 * The deployer's answer about the pending stage on the reported instance, checked (the instance and
 * the revision it names) and written to that stage's image revision and to the stage itself.
 */
async function settlePendingStage(
  tx: Repositories,
  actor: Actor,
  change: ImageChangeRecord,
  report: DeployerReport,
  outcome: DeploymentOutcome,
): Promise<SettledStage> {
  const { index, stage } = stageOn(change, 'pending', report.instanceId);
  assertReportedRevision(stage, report.revision);
  await markStageRevision(tx, actor, stage, outcome);
  return { stage, stages: change.stages.map((s, i) => (i === index ? { ...s, status: outcome } : s)) };
}

/**
 * "deploy confirm|fail": one report about the pending deployment on an instance, with the same
 * checks for either outcome; `then` says what the outcome means for the change.
 */
function reportDeployment(
  store: Store,
  actor: Actor,
  input: DeployReportInput,
  outcome: DeploymentOutcome,
  then: (
    tx: Repositories,
    repo: ImageWorkflowRepository,
    change: ImageChangeRecord,
    settled: SettledStage,
    report: DeployerReport,
  ) => Promise<StepOutcome>,
): Promise<ImageChangeRecord> {
  return runDeployerStep(store, actor, input, {
    label: 'deployment report',
    step: outcome,
    apply: async (tx, repo, latest, report) =>
      then(tx, repo, latest, await settlePendingStage(tx, actor, latest, report, outcome), report),
  });
}

/** "until the package moves forward again": a deployed image above the pinned version closes the follow-up. */
async function closeFollowUps(
  tx: Repositories,
  repo: ImageWorkflowRepository,
  instanceId: string,
): Promise<string[]> {
  const current = await tx.revisions.current(instanceId, 'image');
  if (current === null) return [];
  const pins = new Map(
    (current.content as ImageContent).packages.map((p) => [normalizeName(p.name), p.version]),
  );
  const closed: string[] = [];
  for (const followUp of await repo.listFollowUps(instanceId, 'open')) {
    const now = pins.get(normalizeName(followUp.package));
    if (now !== undefined && compareVersions(now, followUp.pinnedVersion) > 0) {
      await repo.closeFollowUp(followUp.id);
      closed.push(followUp.id);
    }
  }
  return closed;
}

/**
 * A rollback with a test stage goes on to production at once (an upgrade waits there for sign-off).
 * The next revision is recorded as the approver's, as the first one was at acceptance.
 */
async function startNextRollbackStage(
  tx: Repositories,
  change: ImageChangeRecord,
  stages: DeploymentStage[],
): Promise<DeploymentStage[]> {
  const next = stages.findIndex((s) => s.status === 'waiting');
  if (next < 0 || change.kind !== 'rollback') return stages;
  const approver = await tx.users.get(change.approvedBy ?? '');
  return approver === null ? stages : startStage(tx, change, stages, next, actorOfUser(approver));
}

function stateAfterStages(change: ImageChangeRecord, stages: DeploymentStage[]): ImageChangeState {
  if (stages.some((s) => s.status !== 'deployed')) return 'deploying';
  if (change.kind === 'rollback') return 'deployed';
  // An upgrade that has only reached its test instance waits for the customer's sign-off.
  return stages.at(-1)!.purpose === 'test' ? 'on-test' : 'completed';
}

/**
 * The deployer confirms the pending image revision on `instance` is live. A rollback with a test
 * stage moves on to production at once; an upgrade waits on the test instance for sign-off.
 */
export async function confirmImageDeployment(
  store: Store,
  actor: Actor,
  input: DeployReportInput,
): Promise<ImageChangeRecord> {
  return reportDeployment(
    store,
    actor,
    input,
    'deployed',
    async (tx, repo, latest, { stage, stages: marked }) => {
      const closed = await closeFollowUps(tx, repo, stage.instanceId);
      const stages = await startNextRollbackStage(tx, latest, marked);
      const state = stateAfterStages(latest, stages);
      return {
        update: { state, stages },
        audit: { instanceId: stage.instanceId, revision: stage.revision, closedFollowUps: closed },
        subject: `${latest.kind === 'rollback' ? 'Rollback' : 'Upgrade'} ${latest.id}: revision ${String(stage.revision)} live on ${stage.instanceName}`,
        text:
          state === 'deployed'
            ? 'The rollback is deployed. The customer validates it and confirms resolution, or reopens the request.'
            : state === 'on-test'
              ? `The upgrade is live on the test instance ${stage.instanceName}. A customer admin validates it and signs off before promotion.`
              : state === 'completed'
                ? 'The upgrade is live in production.'
                : 'The next deployment stage is with the deployer.',
      };
    },
  );
}

/** The deployer reports failure: the instance stays on its previous revision; the step is retryable. */
export async function failImageDeployment(
  store: Store,
  actor: Actor,
  input: DeployReportInput,
): Promise<ImageChangeRecord> {
  return reportDeployment(store, actor, input, 'failed', (_tx, _repo, latest, { stage, stages }, report) =>
    Promise.resolve({
      update: { state: 'deploy-failed', stages },
      audit: { instanceId: stage.instanceId, revision: stage.revision, error: report.error ?? null },
      subject: `Deployment of ${latest.id} to ${stage.instanceName} failed`,
      text: `Revision ${String(stage.revision)} did not go live${report.error ? `: ${report.error}` : ''}. ${stage.instanceName} stays on its previous revision; a provider engineer may retry.`,
    }),
  );
}

/** Retries a failed deployment with a new revision (failed revisions are final; history is append-only). */
export async function retryImageDeployment(
  store: Store,
  actor: Actor,
  input: DeployReportInput,
): Promise<ImageChangeRecord> {
  return runDeployerStep(store, actor, input, {
    label: 'deployment retry',
    step: 'retry',
    apply: async (tx, _repo, latest, report) => {
      const { index } = stageOn(latest, 'failed', report.instanceId);
      const stages = await startStage(tx, latest, latest.stages, index, actor);
      return {
        update: { state: 'deploying', stages },
        audit: { revision: stages[index]!.revision },
        subject: `Deployment of ${latest.id} retried`,
        text: `Revision ${String(stages[index]!.revision)} of ${stages[index]!.instanceName} is with the deployer.`,
      };
    },
  });
}

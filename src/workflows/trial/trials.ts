/*
 * The trial as a job (issue 16): `startTrial` computes the candidate image with the same planner
 * as the rollback and upgrade reviews, queues one trial per instance (a second is a conflict while
 * one is queued or running) and returns at once; a TrialRunner runs it off the request path (child
 * processes: uv, git, dbt; runner.ts), writing progress and the result to the trial's row. A
 * trial whose server stopped is resumed by the next one (its lease expired: runner.ts).
 */
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConflictError, InputError, NotFoundError } from '../../domain/errors/index.js';
import { assertCan } from '../../domain/roles/index.js';
import { ACTION_PERMISSION } from '../action-rights.js';
import type { Actor } from '../../domain/roles/index.js';
import type { ImageContent } from '../../domain/revisions/index.js';
import { normalizeName } from '../../python/index.js';
import { offload } from '../offload.js';
import { sourceRefOf } from '../package-source.js';
import { newId } from '../../store/index.js';
import type { Repositories, Store } from '../../store/index.js';
import type { ImageTrialsTable } from '../../store/tables/trial.js';
import type { PackageSourceRef, TrialPin } from '../../trial/index.js';
import { auditedBy } from '../audit.js';
import { tooComplex, workLimits } from '../limits.js';
import { resolveInstance } from '../references.js';
import { parseInput } from '../schema.js';
import { readProjectsForTrial } from './projects.js';
import { ACTIVE_TRIAL_STATES, workOf } from './runner.js';
import type { PreparedTrial, TrialResult, TrialRunner, TrialState } from './runner.js';
import { StartTrialInput } from './schema.js';

export interface TrialView {
  id: string;
  instanceId: string;
  state: TrialState;
  requests: string[];
  progress: { done: number; total: number; step: string };
  /** Once finished: `projects: [{ name, owners, commit, current, candidate, verdict }]`, environments, logs. */
  result: TrialResult | null;
  error: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

const ACTIVE = ACTIVE_TRIAL_STATES;

export function toView(row: ImageTrialsTable): TrialView {
  return {
    id: row.id,
    instanceId: row.instance_id,
    state: row.state,
    requests: JSON.parse(row.requests) as string[],
    progress: JSON.parse(row.progress) as TrialView['progress'],
    result: row.result === null ? null : (JSON.parse(row.result) as TrialView['result']),
    error: row.error,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The instance's package source as the environment builder takes it. */
export function packageSourceOf(ref: string): PackageSourceRef {
  if (ref.startsWith('file:')) return { kind: 'find-links', path: fileURLToPath(ref) };
  if (isAbsolute(ref)) return { kind: 'find-links', path: ref };
  if (ref.startsWith('https://') || ref.startsWith('http://')) return { kind: 'index', url: ref };
  throw new InputError(
    `The instance's package source "${ref}" is neither an index URL nor a find-links folder.`,
    {
      remedy:
        'A provider engineer sets the image source (ratchet image source) to https://host/simple or file:///path.',
    },
  );
}

function pinsWithHashes(content: ImageContent): TrialPin[] {
  // Hashes travel with a pin when the image records them (`hashes`), so the installer checks them.
  return content.packages.map((pin) => {
    const hashes = (pin as { hashes?: unknown }).hashes;
    return Array.isArray(hashes) && hashes.every((h) => typeof h === 'string')
      ? { name: pin.name, version: pin.version, hashes: hashes as string[] }
      : { name: pin.name, version: pin.version };
  });
}

/** The candidate image and the projects to run (also a rollback or upgrade review's trial step). */
export async function prepareTrial(
  store: Store,
  instance: { id: string; name: string },
  requests: readonly string[],
): Promise<PreparedTrial> {
  const current = await store.repos.revisions.current(instance.id, 'image');
  if (current === null) {
    throw new InputError(
      `${instance.name} has no deployed image revision yet, so there is nothing to try a change on.`,
      {
        remedy: 'A provider engineer records and deploys the first image revision.',
      },
    );
  }
  const content = current.content as ImageContent;
  const sourceRef = await sourceRefOf(store.repos, instance.id, content.index);
  const source = packageSourceOf(sourceRef);
  const limits = workLimits();
  // The same planner as `image plan` and the reviews, in a worker thread with a time budget.
  const plan = await offload(
    'image-plan',
    { sourceRef, python: content.python, pins: content.packages, requests: [...requests], keep: [] },
    {
      timeoutMs: limits.planTimeoutMs,
      onTimeout: () =>
        tooComplex(
          'The dependency review',
          limits.planTimeoutMs,
          'Request fewer packages at once, or ask the provider to raise RATCHET_PLAN_TIMEOUT_MS.',
        ),
    },
  );
  if (!plan.feasible) {
    throw new InputError(`No consistent image exists with ${requests.join(', ')}: ${plan.explanation}`, {
      remedy: 'Change the request (or add the co-changes the review names) and try again.',
    });
  }
  const currentPins = pinsWithHashes(content);
  const byName = new Map(currentPins.map((pin) => [normalizeName(pin.name), pin]));
  const candidatePins: TrialPin[] = Object.entries(plan.packages).map(([name, version]) => {
    const kept = byName.get(normalizeName(name));
    // An unchanged pin keeps its recorded hashes; a moved one has none recorded yet.
    return kept !== undefined && kept.version === version ? kept : { name, version };
  });
  const projects = await readProjectsForTrial(store.repos, store.secrets, instance.id);
  if (projects.length === 0) {
    throw new InputError(`${instance.name} has no registered dbt projects to try the change on.`, {
      remedy: 'Register the projects first: ratchet projects add <instance> --name N --repo URL.',
    });
  }
  return {
    current: { python: content.python, pins: currentPins, source },
    candidate: { python: content.python, pins: candidatePins, source },
    changes: [
      ...plan.changes.map((c) => ({ name: c.name, from: c.from, to: c.to })),
      ...plan.added.map((a) => ({ name: a.name, from: null, to: a.version })),
    ],
    projects: await Promise.all(
      projects.map(async (p) => ({
        name: p.name,
        repoUrl: p.repo,
        path: p.path,
        owners: p.owners,
        commit: await store.repos.imageTrials.lastRanCommit(instance.id, p.name),
        credential: p.credential,
      })),
    ),
  };
}

async function assertNoActiveTrial(
  repos: Repositories,
  instance: { id: string; name: string },
): Promise<void> {
  const [active] = await repos.imageTrials.listInStates(ACTIVE, instance.id);
  if (active === undefined) return;
  throw new ConflictError(
    `${instance.name} already has a trial ${active.state} (${active.id}); one runs per instance at a time.`,
    {
      remedy: `Wait for it (GET .../image/trials/${active.id}) or cancel it, then start this one.`,
      extra: { trialId: active.id },
    },
  );
}

/**
 * `POST /api/v1/instances/{id}/image/trials`: queues a trial of `set` against today's image and
 * starts it on `runner`; 409 while the instance has one queued or running.
 */
export async function startTrial(
  store: Store,
  actor: Actor,
  input: StartTrialInput,
  runner: TrialRunner,
): Promise<TrialView> {
  assertCan(actor, ACTION_PERMISSION.startTrial);
  const parsed = parseInput(StartTrialInput, input, 'trial');
  const instance = await resolveInstance(store.repos, actor, parsed.instance);
  // Checked before planning (a second request is refused at once) and again in the transaction
  // that queues the trial (two requests racing past the first check).
  await assertNoActiveTrial(store.repos, instance);
  const prepared = await prepareTrial(store, instance, parsed.set);
  const row = await store.transaction(async (tx) => {
    await assertNoActiveTrial(tx, instance);
    const at = tx.now();
    const inserted: ImageTrialsTable = {
      id: newId('trl'),
      tenant_id: instance.tenantId,
      instance_id: instance.id,
      state: 'queued',
      requests: JSON.stringify(parsed.set),
      progress: JSON.stringify({ done: 0, total: 2 + prepared.projects.length, step: 'queued' }),
      result: null,
      error: null,
      created_by: actor.userId,
      created_at: at,
      updated_at: at,
      version: 1,
      // The work, so another server can resume the trial if this one stops; held by this runner.
      work: workOf(prepared),
      ...runner.lease(),
      attempts: 0,
    };
    await tx.imageTrials.insert(inserted);
    await tx.audit.append(
      auditedBy(actor, {
        tenantId: instance.tenantId,
        action: 'image.trial.start',
        target: `trial:${instance.id}/${inserted.id}`,
        before: null,
        after: {
          requests: parsed.set,
          changes: prepared.changes,
          projects: prepared.projects.map((p) => p.name),
        },
      }),
    );
    return inserted;
  });
  void runner.run(row.id, prepared);
  return toView(row);
}

async function trialRow(
  store: Store,
  actor: Actor,
  instanceRef: string,
  trialId: string,
): Promise<ImageTrialsTable> {
  assertCan(actor, 'image.read');
  const instance = await resolveInstance(store.repos, actor, instanceRef);
  const row = await store.repos.imageTrials.getOnInstance(trialId, instance.id);
  if (row === null) {
    throw new NotFoundError(`${instance.name} has no trial ${trialId}.`, {
      remedy: 'List the instance’s trials (GET .../image/trials) to see their ids.',
    });
  }
  return row;
}

/** `GET /api/v1/instances/{id}/image/trials/{trialId}`: progress, then the result. */
export async function getTrial(
  store: Store,
  actor: Actor,
  instanceRef: string,
  trialId: string,
): Promise<TrialView> {
  return toView(await trialRow(store, actor, instanceRef, trialId));
}

/** `GET /api/v1/instances/{id}/image/trials`: newest first. */
export async function listTrials(store: Store, actor: Actor, instanceRef: string): Promise<TrialView[]> {
  assertCan(actor, 'image.read');
  const instance = await resolveInstance(store.repos, actor, instanceRef);
  const rows = await store.repos.imageTrials.listOfInstance(instance.id, 50);
  return rows.map(toView);
}

/** `POST /api/v1/instances/{id}/image/trials/{trialId}/cancel`: stops a queued or running trial. */
export async function cancelTrial(
  store: Store,
  actor: Actor,
  input: { instance: string; trialId: string },
  runner: TrialRunner,
): Promise<TrialView> {
  assertCan(actor, ACTION_PERMISSION.cancelTrial);
  const row = await trialRow(store, actor, input.instance, input.trialId);
  if (!ACTIVE.includes(row.state)) {
    throw new ConflictError(`Trial ${row.id} has already finished (${row.state}).`, {
      remedy: 'Only a queued or running trial can be cancelled.',
    });
  }
  if (runner.cancel(row.id)) await runner.settled(row.id);
  else await cancelStoredTrial(store, actor, row.id);
  return getTrial(store, actor, input.instance, input.trialId);
}

/**
 * Cancels a trial this server does not run: queued with no live server, or running on another
 * server, which sees the state when it next renews its lease and stops the trial's processes.
 */
async function cancelStoredTrial(store: Store, actor: Actor, trialId: string): Promise<void> {
  await store.transaction(async (tx) => {
    const row = await tx.imageTrials.get(trialId);
    if (row === null || !ACTIVE.includes(row.state)) return;
    await tx.imageTrials.update(trialId, {
      state: 'cancelled',
      error: 'The trial was cancelled.',
      lease_owner: null,
      lease_expires_at: null,
      updated_at: tx.now(),
    });
    await tx.audit.append(
      auditedBy(actor, {
        tenantId: row.tenant_id,
        action: 'image.trial.cancel',
        target: `trial:${row.instance_id}/${trialId}`,
        before: { state: row.state, leaseOwner: row.lease_owner ?? null },
        after: { state: 'cancelled' },
      }),
    );
  });
}

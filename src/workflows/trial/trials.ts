/*
 * The trial as a job (issue 16): `startTrial` computes the candidate image with the same planner
 * as the rollback and upgrade reviews, queues one trial per instance (a second is a conflict while
 * one is queued or running) and returns at once; a TrialRunner runs it off the request path (child
 * processes: uv, git, dbt), writing progress and the result to the trial's row. A server restart
 * marks the trials it interrupted failed (`failInterruptedTrials`), so none stays "running" forever.
 */
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConflictError, InputError, NotFoundError } from '../../domain/errors/index.js';
import { assertCan } from '../../domain/roles/index.js';
import type { Actor } from '../../domain/roles/index.js';
import type { ImageContent } from '../../domain/revisions/index.js';
import { normalizeName } from '../../python/index.js';
import { offload } from '../../offload/index.js';
import { newId } from '../../store/index.js';
import type { Repositories, Store } from '../../store/index.js';
import type { ImageTrialsTable } from '../../store/tables/trial.js';
import { runTrial } from '../../trial/index.js';
import type {
  PackageSourceRef,
  ProjectTrialResult,
  TrialConfig,
  TrialOutcome,
  TrialPin,
} from '../../trial/index.js';
import { auditedBy } from '../audit.js';
import { tooComplex, workLimits } from '../limits.js';
import { sourceRefOf } from '../image/source.js';
import { resolveInstance } from '../references.js';
import { parseInput } from '../schema.js';
import { assertRepoAllowed } from './allow-list.js';
import { readProjectsForTrial } from './projects.js';
import { StartTrialInput } from './schema.js';

export type TrialState = ImageTrialsTable['state'];

export interface TrialView {
  id: string;
  instanceId: string;
  state: TrialState;
  requests: string[];
  progress: { done: number; total: number; step: string };
  /** Once finished: `projects: [{ name, owners, commit, current, candidate, verdict }]`, environments, logs. */
  result: (TrialOutcome & { changes: { name: string; from: string | null; to: string | null }[] }) | null;
  error: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/** A trial's work as the runner needs it, prepared while the request was checked. */
export interface PreparedTrial {
  current: { python: string; pins: TrialPin[]; source: PackageSourceRef };
  candidate: { python: string; pins: TrialPin[]; source: PackageSourceRef };
  changes: { name: string; from: string | null; to: string | null }[];
  projects: {
    name: string;
    repoUrl: string;
    path: string;
    owners: string[];
    commit: string | null;
    credential: string | null;
  }[];
}

const ACTIVE: readonly TrialState[] = ['queued', 'running'];

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

/**
 * Runs queued trials in this process: one AbortController per trial, so a cancel or the server's
 * shutdown stops its child processes.
 */
export class TrialRunner {
  readonly #running = new Map<string, { controller: AbortController; done: Promise<void> }>();

  constructor(
    private readonly store: Store,
    private readonly config: TrialConfig,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /** Starts the trial in the background; resolves when it has finished (tests await it). */
  run(trialId: string, prepared: PreparedTrial): Promise<void> {
    const controller = new AbortController();
    const done = this.#execute(trialId, prepared, controller.signal)
      .catch(this.onError)
      .finally(() => this.#running.delete(trialId));
    this.#running.set(trialId, { controller, done });
    return done;
  }

  cancel(trialId: string): boolean {
    const entry = this.#running.get(trialId);
    entry?.controller.abort();
    return entry !== undefined;
  }

  /** Stops every running trial (server shutdown) and waits for their rows to be written. */
  async close(): Promise<void> {
    for (const entry of this.#running.values()) entry.controller.abort();
    await Promise.all([...this.#running.values()].map((entry) => entry.done));
  }

  /** Resolves when the trial has finished (or at once when it is not running here). */
  async settled(trialId: string): Promise<void> {
    await this.#running.get(trialId)?.done;
  }

  async #write(trialId: string, values: Partial<ImageTrialsTable>): Promise<void> {
    await this.store.transaction(async (tx) => {
      await tx.imageTrials.update(trialId, { ...values, updated_at: tx.now() });
    });
  }

  async #execute(trialId: string, prepared: PreparedTrial, signal: AbortSignal): Promise<void> {
    await this.#write(trialId, { state: 'running' });
    let lastWrite = Promise.resolve();
    try {
      const projects = prepared.projects.map((p) => {
        // The allow-list is checked again: the operator may have narrowed it since registration.
        assertRepoAllowed(p.repoUrl);
        return p;
      });
      const outcome = await runTrial(
        { current: prepared.current, candidate: prepared.candidate, projects },
        {
          config: this.config,
          signal,
          onProgress: (progress) => {
            lastWrite = lastWrite.then(() => this.#write(trialId, { progress: JSON.stringify(progress) }));
          },
        },
      );
      await lastWrite;
      await this.#finish(trialId, 'succeeded', { ...outcome, changes: prepared.changes }, null);
    } catch (error) {
      await lastWrite.catch(() => undefined);
      const cancelled = signal.aborted;
      await this.#finish(
        trialId,
        cancelled ? 'cancelled' : 'failed',
        null,
        cancelled ? 'The trial was cancelled.' : error instanceof Error ? error.message : String(error),
      );
    }
  }

  async #finish(
    trialId: string,
    state: TrialState,
    result: TrialView['result'],
    error: string | null,
  ): Promise<void> {
    await this.store.transaction(async (tx) => {
      const row = await tx.imageTrials.get(trialId);
      if (row === null) throw new Error(`trial ${trialId} vanished while it ran`);
      await tx.imageTrials.update(trialId, {
        state,
        result: result === null ? null : JSON.stringify(result),
        error,
        updated_at: tx.now(),
      });
      await tx.audit.append({
        actorUserId: null,
        actorRole: 'system',
        tenantId: row.tenant_id,
        action: 'image.trial.finish',
        target: `trial:${row.instance_id}/${trialId}`,
        before: { state: row.state },
        after: { state, error, verdicts: verdictsOf(result?.projects ?? []) },
      });
    });
  }
}

function verdictsOf(projects: readonly ProjectTrialResult[]): Record<string, string> {
  return Object.fromEntries(projects.map((p) => [p.name, p.verdict]));
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
  assertCan(actor, 'image.trial.run');
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
  assertCan(actor, 'image.trial.run');
  const row = await trialRow(store, actor, input.instance, input.trialId);
  if (!ACTIVE.includes(row.state)) {
    throw new ConflictError(`Trial ${row.id} has already finished (${row.state}).`, {
      remedy: 'Only a queued or running trial can be cancelled.',
    });
  }
  runner.cancel(row.id);
  await runner.settled(row.id);
  return getTrial(store, actor, input.instance, input.trialId);
}

/**
 * Marks every queued or running trial failed: called when a server starts, since trials run in the
 * process that queued them and that process is gone. Returns how many it marked.
 */
export async function failInterruptedTrials(store: Store): Promise<number> {
  return store.transaction(async (tx) => {
    const rows = await tx.imageTrials.listInStates(ACTIVE);
    for (const row of rows) {
      await tx.imageTrials.update(row.id, {
        state: 'failed',
        error: 'The server restarted while this trial ran; start it again.',
        updated_at: tx.now(),
      });
      await tx.audit.append({
        actorUserId: null,
        actorRole: 'system',
        tenantId: row.tenant_id,
        action: 'image.trial.interrupted',
        target: `trial:${row.instance_id}/${row.id}`,
        before: { state: row.state },
        after: { state: 'failed' },
      });
    }
    return rows.length;
  });
}

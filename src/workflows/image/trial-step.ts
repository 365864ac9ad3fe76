/*
 * The trial as a step of every rollback and upgrade review (issue 16): when a request is opened (or
 * its review starts again), the change's candidate image is tried on every dbt project registered
 * for the instance. The trial's id goes into the report (so its hash binds the request to that
 * trial); the trial itself runs as a job after the request's transaction committed. An instance
 * without registered projects, a plan with no candidate image, or another trial already running
 * leaves the step skipped, with the reason, and approval is not held up by it.
 */
import { InputError } from '../../domain/errors/index.js';
import type { Actor } from '../../domain/roles/index.js';
import type { Instance } from '../../domain/tenancy/index.js';
import { newId } from '../../store/index.js';
import type { Repositories, Store } from '../../store/index.js';
import { prepareTrial, trialViewOf, workOf } from '../trial/index.js';
import type { PreparedTrial, TrialRunner, TrialView } from '../trial/index.js';
import { auditedBy } from '../audit.js';
import { changesNothing, hashReport } from './report.js';
import type { BuiltReport } from './report.js';
import type { ImageChangeRecord, ReviewTrialStep } from './types.js';

/** A review's trial, ready to be queued with the request. */
export interface PlannedReviewTrial {
  step: ReviewTrialStep;
  /** The work the runner does; null when the step is skipped. */
  prepared: PreparedTrial | null;
  /** The runner that will run it (its lease is taken when it is queued); null when none runs here. */
  runner: TrialRunner | null;
}

/*
 * The runner that runs review trials in this process, per store (a test process may run several
 * servers, each with its own store). The trial routes register theirs, so a review's trial and one
 * started by hand share the runner that cancels them and stops them on shutdown.
 */
const runners = new WeakMap<Store, TrialRunner>();

export function setReviewTrialRunner(store: Store, runner: TrialRunner | null): void {
  if (runner === null) runners.delete(store);
  else runners.set(store, runner);
}

async function projectNames(repos: Repositories, instanceId: string): Promise<string[]> {
  const rows = await repos.trialProjects.listOfInstance(instanceId);
  return rows.map((row) => row.name);
}

function skipped(reason: string, projects: string[] = []): PlannedReviewTrial {
  return { step: { id: null, skipped: reason, projects }, prepared: null, runner: null };
}

/**
 * Decides the review's trial step before the request is stored (it reads the package source and
 * plans again, outside any transaction): a new trial id and its prepared work, or why none runs.
 */
export async function planReviewTrial(
  store: Store,
  instance: Instance,
  requests: readonly string[],
  built: BuiltReport,
): Promise<PlannedReviewTrial> {
  const projects = await projectNames(store.repos, instance.id);
  if (projects.length === 0) {
    return skipped(
      `${instance.name} has no registered dbt projects, so the change is not tried before it runs (register them with ratchet projects add).`,
    );
  }
  const { review } = built.report;
  if (!review.feasible || changesNothing(review)) {
    return skipped('There is no candidate image to try: the dependency review found none.', projects);
  }
  try {
    const prepared = await prepareTrial(store, instance, requests);
    return {
      step: { id: newId('trl'), skipped: null, projects },
      prepared,
      runner: runners.get(store) ?? null,
    };
  } catch (error) {
    if (error instanceof InputError) return skipped(`The trial could not start: ${error.message}`, projects);
    throw error;
  }
}

/** The active trial of the instance, if any (one runs per instance at a time). */
async function activeTrial(tx: Repositories, instanceId: string): Promise<{ id: string } | undefined> {
  const [active] = await tx.imageTrials.listInStates(['queued', 'running'], instanceId);
  return active;
}

/**
 * Inside the request's transaction, before the request is stored: a trial already running on the
 * instance turns the step into a skipped one (refresh the request once it finished). Returns the
 * report to store, with the step in it and its hash.
 */
export async function settleReviewTrial(
  tx: Repositories,
  instance: Instance,
  built: BuiltReport,
  planned: PlannedReviewTrial,
): Promise<{ built: BuiltReport; planned: PlannedReviewTrial }> {
  let final = planned;
  if (planned.prepared !== null) {
    const active = await activeTrial(tx, instance.id);
    if (active !== undefined) {
      final = skipped(
        `Another trial (${active.id}) was running on ${instance.name}; refresh this request once it finished to try the change.`,
        planned.step.projects,
      );
    }
  }
  return { built: withTrialStep(built, final.step), planned: final };
}

/** The report with its trial step, and the hash that then covers it. */
export function withTrialStep(built: BuiltReport, step: ReviewTrialStep): BuiltReport {
  const report = { ...built.report, trial: step };
  return { ...built, report, hash: hashReport(report) };
}

/**
 * The review's trial step a refreshed report keeps: its trial when it is queued, running or
 * succeeded (a finished trial does not change); null when the step should be tried again.
 */
export async function keptReviewTrial(
  repos: Repositories,
  change: ImageChangeRecord,
): Promise<ReviewTrialStep | null> {
  const step = change.report.trial;
  if (step === undefined || step.id === null) return null;
  const trial = await reviewTrialOf(repos, change);
  return trial !== null && ['queued', 'running', 'succeeded'].includes(trial.state) ? step : null;
}

/**
 * Inside the request's transaction, after the request was stored: queues the trial, linked to it,
 * with its work and its runner's lease, so a restart resumes it like one started by hand (without
 * a runner in this process there is no lease: `dispatchReviewTrial` fails it at once).
 */
export async function queueReviewTrial(
  tx: Repositories,
  actor: Actor,
  change: ImageChangeRecord,
  planned: PlannedReviewTrial,
): Promise<void> {
  if (planned.prepared === null || planned.step.id === null) return;
  const at = tx.now();
  await tx.imageTrials.insert({
    id: planned.step.id,
    tenant_id: change.tenantId,
    instance_id: change.instanceId,
    state: 'queued',
    requests: JSON.stringify(change.requests),
    progress: JSON.stringify({ done: 0, total: 2 + planned.prepared.projects.length, step: 'queued' }),
    result: null,
    error: null,
    created_by: actor.userId,
    created_at: at,
    updated_at: at,
    version: 1,
    work: workOf(planned.prepared),
    ...(planned.runner === null ? { lease_owner: null, lease_expires_at: null } : planned.runner.lease()),
    attempts: 0,
  });
  await tx.audit.append(
    auditedBy(actor, {
      tenantId: change.tenantId,
      action: 'image.trial.start',
      target: `trial:${change.instanceId}/${planned.step.id}`,
      before: null,
      after: {
        requests: change.requests,
        changeId: change.id,
        changes: planned.prepared.changes,
        projects: planned.prepared.projects.map((p) => p.name),
      },
    }),
  );
}

/**
 * After the request committed: runs its trial on the runner that took its lease. The owners'
 * forward-fix guidance follows from the runner's `onFinished` (so a trial resumed after a restart
 * tells them too). Without a runner (no trial routes in this process) the trial is marked failed,
 * so approval is not held up by a trial nobody runs.
 */
export function dispatchReviewTrial(store: Store, planned: PlannedReviewTrial): Promise<void> {
  const { prepared, runner } = planned;
  const id = planned.step.id;
  if (prepared === null || id === null) return Promise.resolve();
  if (runner === null) {
    return store.transaction(async (tx) => {
      await tx.imageTrials.update(id, {
        state: 'failed',
        error: 'No trial runner in this process: the API server runs trials.',
        updated_at: tx.now(),
      });
    });
  }
  return runner.run(id, prepared);
}

/** The review's trial as the change's view shows it; null when the step was skipped. */
export async function reviewTrialOf(
  repos: Repositories,
  change: ImageChangeRecord,
): Promise<TrialView | null> {
  const id = change.report.trial?.id ?? null;
  if (id === null) return null;
  const row = await repos.imageTrials.getOnInstance(id, change.instanceId);
  return row === null ? null : trialViewOf(row);
}

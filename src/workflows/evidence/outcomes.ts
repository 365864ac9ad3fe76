/**
 * The outcomes history of an instance (issue 17 item 5): every pipeline run of the window, counted
 * per pipeline, per UTC day and per image revision it ran on, with each image deployment as a
 * marker. It is a record of what happened, not a judgement of a change: a rollback adds a
 * deployment marker and the runs after it, and moves or drops nothing that was there before.
 */
import { assertCan } from '../../domain/roles/index.js';
import type { Actor } from '../../domain/roles/index.js';
import { withRunAttribution } from '../../impact/index.js';
import type { ClassifiedEvidence } from '../../impact/index.js';
import type { Store } from '../../store/index.js';
import { resolveInstance } from '../references.js';
import { parseInput } from '../schema.js';
import { pinsOf } from './context.js';
import { OutcomesInput } from './schema.js';

const DAY_MS = 86_400_000;
const DEFAULT_WINDOW_DAYS = 30;

/** One pipeline's runs on one UTC day with one image revision (a day with a deployment has two). */
export interface OutcomeBucket {
  /** `2026-11-24` (UTC). */
  readonly day: string;
  /** The image revision the runs ran on; null when attribution could not tell. */
  readonly revision: number | null;
  readonly successes: number;
  readonly failures: number;
}

export interface PipelineOutcomes {
  readonly pipeline: string;
  /** Everyone named as an owner of one of its runs in the window, sorted. */
  readonly owners: string[];
  /** Oldest first. */
  readonly days: OutcomeBucket[];
}

/** An image revision's deployment, a marker on the chart. */
export interface DeploymentMarker {
  readonly revision: number;
  readonly deployedAt: string;
  /** The packages it moved against the revision before it: `dbt-core 1.10.15 -> 1.11.0`. */
  readonly moved: string[];
  /** Why it was recorded (the revision's reason). */
  readonly reason: string;
}

export interface OutcomesHistory {
  readonly instanceId: string;
  readonly since: string;
  readonly until: string;
  readonly pipelines: PipelineOutcomes[];
  /** Every deployed image revision, oldest first, including those deployed before the window. */
  readonly deployments: DeploymentMarker[];
}

interface PipelineRunOutcome {
  pipeline: string;
  at: string;
  revision: number | null;
  failed: boolean;
  owners: string[];
}

/**
 * A pipeline run (the events that share a root run) failed when the last outcome of any of its
 * jobs was a failure: an Airflow retry that succeeded does not count, as in the impact report.
 */
function pipelineRuns(events: readonly ClassifiedEvidence[]): PipelineRunOutcome[] {
  const groups = new Map<string, ClassifiedEvidence[]>();
  for (const event of events) {
    const key = `${event.pipeline}\u0000${event.pipelineRunId}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [event]);
    else group.push(event);
  }
  const runs: PipelineRunOutcome[] = [];
  for (const group of groups.values()) {
    const terminal = group.filter((event) => event.outcome !== null);
    const last = terminal.at(-1);
    if (last === undefined) continue;
    const lastPerJob = new Map<string, string>();
    for (const event of terminal) lastPerJob.set(event.jobName, event.outcome!);
    runs.push({
      pipeline: last.pipeline,
      at: last.eventTime,
      revision: terminal.findLast((event) => event.imageRevision !== null)?.imageRevision ?? null,
      failed: [...lastPerJob.values()].includes('failure'),
      owners: [...new Set(group.flatMap((event) => event.owners))],
    });
  }
  return runs;
}

function movedPackages(before: Record<string, string>, after: Record<string, string>): string[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return names
    .filter((name) => before[name] !== after[name])
    .map((name) => `${name} ${before[name] ?? '(none)'} -> ${after[name] ?? '(removed)'}`);
}

/** `ratchet`'s outcomes chart: runs per pipeline, day and revision, and the image deployments. */
export async function outcomesHistory(
  store: Store,
  actor: Actor,
  input: OutcomesInput,
): Promise<OutcomesHistory> {
  assertCan(actor, 'evidence.read');
  const parsed = parseInput(OutcomesInput, input, 'outcomes query');
  const instance = await resolveInstance(store.repos, actor, parsed.instance);
  const until = store.now();
  const since = new Date(until.getTime() - (parsed.windowDays ?? DEFAULT_WINDOW_DAYS) * DAY_MS).toISOString();
  const events = withRunAttribution(await store.repos.evidence.runEvidenceSince(instance.id, since));
  const buckets = new Map<
    string,
    Map<string, { revision: number | null; successes: number; failures: number }>
  >();
  const owners = new Map<string, Set<string>>();
  for (const run of pipelineRuns(events)) {
    const day = run.at.slice(0, 10);
    const perPipeline = buckets.get(run.pipeline) ?? new Map();
    buckets.set(run.pipeline, perPipeline);
    const key = `${day} ${String(run.revision)}`;
    const bucket = perPipeline.get(key) ?? { revision: run.revision, successes: 0, failures: 0 };
    perPipeline.set(key, bucket);
    if (run.failed) bucket.failures += 1;
    else bucket.successes += 1;
    const named = owners.get(run.pipeline) ?? new Set<string>();
    owners.set(run.pipeline, named);
    for (const owner of run.owners) named.add(owner);
  }
  const pipelines = [...buckets]
    .map(([pipeline, perDay]) => ({
      pipeline,
      owners: [...(owners.get(pipeline) ?? [])].sort(),
      days: [...perDay]
        .map(([key, bucket]) => ({ day: key.slice(0, 10), ...bucket }))
        .sort((a, b) => a.day.localeCompare(b.day) || (a.revision ?? 0) - (b.revision ?? 0)),
    }))
    .sort((a, b) => a.pipeline.localeCompare(b.pipeline));
  const revisions = await store.repos.revisions.list(instance.id, 'image');
  const deployments: DeploymentMarker[] = [];
  let previous: Record<string, string> = {};
  for (const revision of revisions) {
    if (revision.status !== 'deployed' || revision.statusChangedAt === null) continue;
    const pins = pinsOf(revision.content);
    deployments.push({
      revision: revision.number,
      deployedAt: revision.statusChangedAt,
      moved: deployments.length === 0 ? [] : movedPackages(previous, pins),
      reason: revision.reason,
    });
    previous = pins;
  }
  return { instanceId: instance.id, since, until: until.toISOString(), pipelines, deployments };
}

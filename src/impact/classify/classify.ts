import { InputError } from '../../domain/errors/index.js';
import { withRunAttribution } from './attribution.js';
import type { PipelineRun } from './pipeline.js';
import { groupPipelineRuns, jobRuns, judgePipeline } from './pipeline.js';
import { sortRevisions, targetVersions } from './revisions.js';
import type { Sides } from './revisions.js';
import type {
  AffectedUser,
  ChangeDirection,
  ClassifiedEvidence,
  ClassifyInput,
  GroupImpact,
  ImpactReport,
  JobImpact,
  PipelineImpact,
  Verdict,
  VerdictCounts,
} from './types.js';
import { formatDay, listWords, plural, shortCode } from './wording.js';

const VERDICTS: readonly Verdict[] = ['breaks', 'fixes', 'still-broken', 'unknown', 'unaffected'];
const DAY_MS = 86_400_000;

function emptyCounts(): Record<Verdict, number> {
  return { breaks: 0, fixes: 0, 'still-broken': 0, unknown: 0, unaffected: 0 };
}

/**
 * How a pipeline's verdict (or one user's share of it) follows from its jobs: the first verdict in
 * this order that any job has. `unknown` comes right after `breaks`: it may hide a break, so it
 * never yields to `still-broken`, `fixes` or `unaffected` (unknown never looks safe). Jobs that did
 * not run on the current versions at all (`no-current-runs`, e.g. dbt models after dbt refused to
 * start) are left out while another job of the pipeline did run there.
 */
export const PIPELINE_ORDER: readonly Verdict[] = [
  'breaks',
  'unknown',
  'still-broken',
  'fixes',
  'unaffected',
];

/** A job with its full judgement (runs cited, counts), kept for the pipeline it may decide. */
interface JudgedJob {
  readonly job: string;
  readonly impact: PipelineImpact;
}

function decidingJob(pipeline: string, jobs: readonly JudgedJob[]): JudgedJob {
  const ran = jobs.filter((job) => job.impact.basis !== 'no-current-runs');
  // The root job (the DAG, or dbt-ol's run outside Airflow) speaks for the whole pipeline run when
  // it has the verdict: its runs are cited, not one task's.
  const considered = (ran.length > 0 ? ran : jobs).toSorted(
    (a, b) => Number(b.job === pipeline) - Number(a.job === pipeline),
  );
  for (const verdict of PIPELINE_ORDER) {
    const job = considered.find((candidate) => candidate.impact.verdict === verdict);
    if (job !== undefined) return job;
  }
  return considered[0]!;
}

function sortedUnion(lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat())].sort();
}

function judgeJobs(pipeline: string, runs: readonly PipelineRun[], options: JudgeOptionsOf): PipelineImpact {
  const names = [...new Set(runs.flatMap((run) => run.events.map((event) => event.jobName)))].sort();
  const judged: JudgedJob[] = names.map((job) => ({
    job,
    impact: judgePipeline(job, jobRuns(job, runs), options),
  }));
  const decider = decidingJob(pipeline, judged);
  const jobs: JobImpact[] = judged.map(({ job, impact }) => ({
    job,
    owners: impact.owners,
    verdict: impact.verdict,
    basis: impact.basis,
    reason: impact.reason,
  }));
  return {
    ...decider.impact,
    pipeline,
    owners: sortedUnion(jobs.map((job) => job.owners)),
    jobs,
    project: decider.impact.project ?? runs.findLast((run) => run.project !== null)?.project ?? null,
  };
}

type JudgeOptionsOf = Parameters<typeof judgePipeline>[2];

function emptyNames(): Record<Verdict, string[]> {
  return { breaks: [], fixes: [], 'still-broken': [], unknown: [], unaffected: [] };
}

/** The verdict a set of a pipeline's jobs yields, by PIPELINE_ORDER. */
function derivedVerdict(jobs: readonly JobImpact[]): Verdict {
  const ran = jobs.filter((job) => job.basis !== 'no-current-runs');
  const considered = ran.length > 0 ? ran : jobs;
  return PIPELINE_ORDER.find((verdict) => considered.some((job) => job.verdict === verdict)) ?? 'unknown';
}

/** Per user: each pipeline once, with the verdict of the jobs that user owns in it. */
function groupByUser(pipelines: readonly PipelineImpact[]): GroupImpact[] {
  const groups = new Map<
    string | null,
    { counts: Record<Verdict, number>; names: Record<Verdict, string[]> }
  >();
  for (const pipeline of pipelines) {
    const users = new Set<string | null>();
    for (const job of pipeline.jobs) {
      if (job.owners.length === 0) users.add(null);
      for (const owner of job.owners) users.add(owner);
    }
    for (const user of users) {
      const mine = pipeline.jobs.filter((job) =>
        user === null ? job.owners.length === 0 : job.owners.includes(user),
      );
      const verdict = derivedVerdict(mine);
      let entry = groups.get(user);
      if (entry === undefined) {
        entry = { counts: emptyCounts(), names: emptyNames() };
        groups.set(user, entry);
      }
      entry.counts[verdict] += 1;
      entry.names[verdict].push(pipeline.pipeline);
    }
  }
  return sortGroups([...groups].map(([key, { counts, names }]) => ({ key, counts, pipelines: names })));
}

function sortGroups(groups: GroupImpact[]): GroupImpact[] {
  // Named groups alphabetically, the unowned group last.
  return groups.sort((a, b) => (a.key === null ? 1 : b.key === null ? -1 : a.key.localeCompare(b.key)));
}

function group(
  pipelines: readonly PipelineImpact[],
  keyOf: (p: PipelineImpact) => string | null,
): GroupImpact[] {
  const groups = new Map<string | null, PipelineImpact[]>();
  for (const pipeline of pipelines) {
    const key = keyOf(pipeline);
    const members = groups.get(key);
    if (members === undefined) groups.set(key, [pipeline]);
    else members.push(pipeline);
  }
  const result = [...groups].map(([key, members]) => {
    const counts = emptyCounts();
    const names = emptyNames();
    for (const member of members) {
      counts[member.verdict] += 1;
      names[member.verdict].push(member.pipeline);
    }
    return { key, counts, pipelines: names };
  });
  return sortGroups(result);
}

function affectedUsers(byUser: readonly GroupImpact[], direction: ChangeDirection): AffectedUser[] {
  const users: AffectedUser[] = [];
  for (const entry of byUser) {
    if (entry.key === null) continue;
    const verdicts = VERDICTS.filter((v) => v !== 'unaffected' && entry.counts[v] > 0);
    if (verdicts.length === 0) continue;
    // The policy prefers targeted forward fixes: on a rollback, the users it would fix (their code
    // fails on the current versions) are the ones to fix forward; on an upgrade, those it breaks.
    const shouldForwardFix =
      direction === 'upgrade'
        ? entry.counts.breaks > 0
        : entry.counts.fixes + entry.counts['still-broken'] > 0;
    const pipelines = verdicts.flatMap((v) => entry.pipelines[v]);
    users.push({ user: entry.key, verdicts, pipelines, shouldForwardFix });
  }
  return users;
}

function whose(user: string | null): string {
  return user === null ? 'no known owner' : user;
}

/** `breaks 1 pipeline of ana (adapted on Nov 12, commit 4f2c1a9)` and the like, per owner. */
function verdictClause(
  verb: string,
  verdict: Verdict,
  byUser: readonly GroupImpact[],
  pipelines: ReadonlyMap<string, PipelineImpact>,
): string | null {
  const parts: string[] = [];
  for (const entry of byUser) {
    const names = entry.pipelines[verdict];
    if (names.length === 0) continue;
    const noun = parts.length === 0 ? plural(names.length, 'pipeline') : String(names.length);
    const mine = names.map((name) => pipelines.get(name)!);
    parts.push(`${noun} of ${whose(entry.key)}${verdict === 'breaks' ? breakDetail(mine) : ''}`);
  }
  return parts.length === 0 ? null : `${verb} ${parts.join(', ')}`;
}

function breakDetail(pipelines: readonly PipelineImpact[]): string {
  const details: string[] = [];
  const adapted = pipelines.filter((p) => p.adaptedAt !== null);
  if (adapted.length > 0) {
    const days = [...new Set(adapted.map((p) => formatDay(p.adaptedAt!)))];
    const codes = [...new Set(adapted.map((p) => shortCode(p.currentCode)))];
    details.push(`adapted on ${listWords(days)}, ${listWords(codes)}`);
  }
  if (pipelines.some((p) => p.basis === 'constraint'))
    details.push('a declared version constraint excludes the target');
  if (pipelines.some((p) => p.basis === 'failed-on-target')) details.push('failed with the target versions');
  return details.length === 0 ? '' : ` (${details.join('; ')})`;
}

/**
 * Pipelines that ran in the window, but only on revisions on neither side of the change (after a
 * rollback to 1.10.15, a pipeline that ran only on 1.11.0 when asked about 1.9.*): unknown, and
 * listed, never left out of the report as if they did not exist.
 */
function ranOnNeitherSide(
  runs: readonly ClassifiedEvidence[],
  judged: ReadonlyMap<string, unknown>,
  sides: Sides,
  windowDays: number,
): PipelineImpact[] {
  const left = new Map<string, ClassifiedEvidence[]>();
  for (const run of runs) {
    if (judged.has(run.pipeline) || run.imageRevision === null) continue;
    const list = left.get(run.pipeline);
    if (list === undefined) left.set(run.pipeline, [run]);
    else list.push(run);
  }
  return [...left].map(([pipeline, events]) => {
    const revisions = [...new Set(events.map((event) => event.imageRevision!))].sort((a, b) => a - b);
    const reason = `Ran only on ${listWords(revisions.map((r) => sides.describe(r)))} in the last ${plural(windowDays, 'day')}: neither the current versions nor ${sides.targetText}.`;
    const jobNames = [...new Set(events.map((event) => event.jobName))].sort();
    const ownersOf = (job: string): string[] => [
      ...(events.findLast((event) => event.jobName === job && event.owners.length > 0)?.owners ?? []),
    ];
    const jobs: JobImpact[] = jobNames.map((job) => ({
      job,
      owners: ownersOf(job),
      verdict: 'unknown',
      basis: 'no-current-runs',
      reason,
    }));
    return {
      pipeline,
      owners: sortedUnion(jobs.map((job) => job.owners)),
      jobs,
      project: events.findLast((event) => event.project !== null)?.project ?? null,
      verdict: 'unknown',
      basis: 'no-current-runs',
      reason,
      currentCode: null,
      adaptedAt: null,
      evidence: [],
      runCounts: { current: 0, target: 0, targetWithCurrentCode: 0 },
      excludedBy: null,
    };
  });
}

function summarize(
  direction: ChangeDirection,
  pipelines: readonly PipelineImpact[],
  byUser: readonly GroupImpact[],
  days: number,
): string {
  const subject = direction === 'rollback' ? 'Rollback' : direction === 'upgrade' ? 'Upgrade' : 'The change';
  if (pipelines.length === 0)
    return `${subject}: no pipeline ran in the last ${plural(days, 'day')}, so its impact is unknown.`;
  const counts = emptyCounts();
  for (const pipeline of pipelines) counts[pipeline.verdict] += 1;
  const named = new Map(pipelines.map((p) => [p.pipeline, p]));
  const verbs = [
    verdictClause('fixes', 'fixes', byUser, named),
    verdictClause('breaks', 'breaks', byUser, named),
  ];
  const tallies = (['still-broken', 'unaffected', 'unknown'] as const)
    .filter((verdict) => counts[verdict] > 0)
    .map((verdict) => ({
      count: counts[verdict],
      words: verdict === 'still-broken' ? 'still broken' : verdict,
    }));
  const clauses = verbs.filter((clause): clause is string => clause !== null);
  // A tally with no verb before it gets its noun and a colon: "Rollback: 2 pipelines unaffected;
  // 1 unknown.", never "The change 4 unknown."
  const counted = tallies.map(({ count, words }, i) =>
    clauses.length === 0 && i === 0 ? `${plural(count, 'pipeline')} ${words}` : `${count} ${words}`,
  );
  return clauses.length > 0
    ? `${subject} ${[...clauses, ...counted].join('; ')}.`
    : `${subject}: ${counted.join('; ')}.`;
}

function toDate(now: Date | string): Date {
  const date = typeof now === 'string' ? new Date(now) : now;
  if (Number.isNaN(date.getTime())) {
    throw new InputError('now must be a valid date-time', { extra: { field: 'now' } });
  }
  return date;
}

/**
 * Classifies what a package change (a rollback, or an upgrade seen on a test instance) does to
 * every pipeline that ran in the evidence window: breaks, fixes, unaffected, still-broken or
 * unknown, each with the runs it rests on and a sentence; aggregated per user and per project.
 *
 * @example classifyChangeImpact({ change: { packages: [{ name: 'dbt-core', from: '1.11.2', to: '==1.10.*' }] },
 *   runs, revisions, currentRevision: 7, constraints: [], now: new Date() }).summary
 */
export function classifyChangeImpact(input: ClassifyInput): ImpactReport {
  const windowDays = input.windowDays ?? 30;
  const minRuns = input.minRuns ?? 1;
  if (input.change.packages.length === 0) {
    throw new InputError('change.packages must name at least one package', {
      extra: { field: 'change.packages' },
    });
  }
  if (!(windowDays > 0) || !Number.isInteger(minRuns) || minRuns < 1) {
    throw new InputError('windowDays must be positive and minRuns a positive integer', {
      extra: { field: windowDays > 0 ? 'minRuns' : 'windowDays' },
    });
  }
  const now = toDate(input.now);
  const since = new Date(now.getTime() - windowDays * DAY_MS).toISOString();
  const until = now.toISOString();
  const sides = sortRevisions(input.change, input.revisions, input.currentRevision);
  // Every event of the window attributes its run (START carries the owners); terminal ones judge.
  const attributed = withRunAttribution(
    input.runs.filter((run) => run.eventTime >= since && run.eventTime <= until),
  );
  const inWindow = attributed.filter((run) => run.outcome !== null);
  const byPipeline = new Map<string, PipelineRun[]>();
  // Pushed, not spread: copying each pipeline's list on every run made this quadratic in runs.
  for (const run of groupPipelineRuns(inWindow, sides)) {
    const runs = byPipeline.get(run.pipeline);
    if (runs === undefined) byPipeline.set(run.pipeline, [run]);
    else runs.push(run);
  }
  const options = {
    sides,
    constraints: input.constraints ?? [],
    targets: targetVersions(input.change, input.revisions, sides.targetRevisions),
    minRuns,
    windowDays,
  };
  const pipelines = [
    ...[...byPipeline].map(([pipeline, runs]) => judgeJobs(pipeline, runs, options)),
    ...ranOnNeitherSide(inWindow, byPipeline, sides, windowDays),
  ].sort((a, b) => a.pipeline.localeCompare(b.pipeline));
  const counts: VerdictCounts = pipelines.reduce((acc, p) => {
    acc[p.verdict] += 1;
    return acc;
  }, emptyCounts());
  const byUser = groupByUser(pipelines);
  return {
    direction: sides.direction,
    change: input.change,
    currentRevision: input.currentRevision,
    targetRevisions: sides.targetRevisions,
    window: { days: windowDays, since },
    minRuns,
    pipelines,
    counts,
    byUser,
    byProject: group(pipelines, (p) => p.project),
    affectedUsers: affectedUsers(byUser, sides.direction),
    summary: summarize(sides.direction, pipelines, byUser, windowDays),
    generatedAt: until,
  };
}

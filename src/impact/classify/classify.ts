import { InputError } from '../../domain/errors/index.js';
import type { PipelineRun } from './pipeline.js';
import { groupPipelineRuns, judgePipeline } from './pipeline.js';
import { sortRevisions, targetVersions } from './revisions.js';
import type {
  AffectedUser,
  ChangeDirection,
  ClassifyInput,
  GroupImpact,
  ImpactReport,
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
    const names: Record<Verdict, string[]> = {
      breaks: [],
      fixes: [],
      'still-broken': [],
      unknown: [],
      unaffected: [],
    };
    for (const member of members) {
      counts[member.verdict] += 1;
      names[member.verdict].push(member.pipeline);
    }
    return { key, counts, pipelines: names };
  });
  // Named groups alphabetically, the unowned group last.
  result.sort((a, b) => (a.key === null ? 1 : b.key === null ? -1 : a.key.localeCompare(b.key)));
  return result;
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
function verdictClause(verb: string, verdict: Verdict, pipelines: readonly PipelineImpact[]): string | null {
  const byOwner = new Map<string | null, PipelineImpact[]>();
  for (const p of pipelines) {
    if (p.verdict !== verdict) continue;
    const mine = byOwner.get(p.owner);
    if (mine === undefined) byOwner.set(p.owner, [p]);
    else mine.push(p);
  }
  if (byOwner.size === 0) return null;
  const owners = [...byOwner.keys()];
  owners.sort((a, b) => (a === null ? 1 : b === null ? -1 : a.localeCompare(b)));
  const parts = owners.map((owner, i) => {
    const mine = byOwner.get(owner)!;
    const noun = i === 0 ? plural(mine.length, 'pipeline') : String(mine.length);
    return `${noun} of ${whose(owner)}${verdict === 'breaks' ? breakDetail(mine) : ''}`;
  });
  return `${verb} ${parts.join(', ')}`;
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

function summarize(direction: ChangeDirection, pipelines: readonly PipelineImpact[], days: number): string {
  const subject = direction === 'rollback' ? 'Rollback' : direction === 'upgrade' ? 'Upgrade' : 'The change';
  if (pipelines.length === 0)
    return `${subject}: no pipeline ran in the last ${plural(days, 'day')}, so its impact is unknown.`;
  const counts = emptyCounts();
  for (const pipeline of pipelines) counts[pipeline.verdict] += 1;
  const clauses = [
    verdictClause('fixes', 'fixes', pipelines),
    verdictClause('breaks', 'breaks', pipelines),
    counts['still-broken'] > 0 ? `${counts['still-broken']} still broken` : null,
    counts.unaffected > 0 ? `${counts.unaffected} unaffected` : null,
    counts.unknown > 0 ? `${counts.unknown} unknown` : null,
  ].filter((clause): clause is string => clause !== null);
  return `${subject} ${clauses.join('; ')}.`;
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
  const inWindow = input.runs.filter(
    (run) => run.outcome !== null && run.eventTime >= since && run.eventTime <= until,
  );
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
  const pipelines = [...byPipeline]
    .map(([pipeline, runs]) => judgePipeline(pipeline, runs, options))
    .sort((a, b) => a.pipeline.localeCompare(b.pipeline));
  const counts: VerdictCounts = pipelines.reduce((acc, p) => {
    acc[p.verdict] += 1;
    return acc;
  }, emptyCounts());
  const byUser = group(pipelines, (p) => p.owner);
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
    summary: summarize(sides.direction, pipelines, windowDays),
    generatedAt: until,
  };
}

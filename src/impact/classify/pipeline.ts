import type { DeclaredConstraint } from '../dbt/index.js';
import { excludingConstraints } from '../dbt/index.js';
import type { RunOutcome } from '../evidence/index.js';
import type { Sides } from './revisions.js';
import type { ClassifiedEvidence, EvidenceRun, PipelineImpact, Verdict, VerdictBasis } from './types.js';
import { formatDay, listWords, plural, shortCode } from './wording.js';

/** A pipeline run: the terminal events that share a root run, on a known side of the change. */
export interface PipelineRun extends EvidenceRun {
  readonly pipeline: string;
  readonly owners: readonly string[];
  readonly project: string | null;
  /** Its terminal events, oldest first: what the job runs are cut from. */
  readonly events: readonly ClassifiedEvidence[];
}

function latestOwners(items: readonly { owners: readonly string[] }[]): readonly string[] {
  for (let i = items.length - 1; i >= 0; i--) if (items[i]!.owners.length > 0) return items[i]!.owners;
  return [];
}

/**
 * The runs of one job, cut from the pipeline runs it took part in: the job's last terminal outcome
 * in each, with the pipeline run's image revision and side, and the job's own code revision (its
 * run's, else the pipeline run's: a DAG run runs one version of the project).
 */
export function jobRuns(job: string, runs: readonly PipelineRun[]): PipelineRun[] {
  const result: PipelineRun[] = [];
  for (const run of runs) {
    const mine = run.events.filter((event) => event.jobName === job && event.outcome !== null);
    const last = mine[mine.length - 1];
    if (last === undefined) continue;
    result.push({
      ...run,
      at: last.eventTime,
      outcome: last.outcome!,
      codeRevision: last.codeRevision ?? run.codeRevision,
      owners: latestOwners(mine),
      project: last.project ?? run.project,
      events: mine,
    });
  }
  result.sort((a, b) => a.at.localeCompare(b.at) || a.runId.localeCompare(b.runId));
  return result;
}

function latestBy<T>(items: readonly T[], pick: (item: T) => string | null): string | null {
  for (let i = items.length - 1; i >= 0; i--) {
    const value = pick(items[i]!);
    if (value !== null) return value;
  }
  return null;
}

/**
 * Groups terminal evidence into pipeline runs (one Airflow DAG run with its tasks and dbt runs).
 * A run failed when the last attempt of any of its jobs failed: an Airflow retry that succeeded
 * does not count against it, a failed dbt model under a green wrapper does.
 */
export function groupPipelineRuns(evidence: readonly ClassifiedEvidence[], sides: Sides): PipelineRun[] {
  const groups = new Map<string, ClassifiedEvidence[]>();
  for (const item of evidence) {
    const key = `${item.pipeline}\u0000${item.pipelineRunId}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  const runs: PipelineRun[] = [];
  for (const group of groups.values()) {
    group.sort(
      (a, b) => a.eventTime.localeCompare(b.eventTime) || a.idempotencyKey.localeCompare(b.idempotencyKey),
    );
    const last = group[group.length - 1]!;
    const revision = latestBy(group, (item) =>
      item.imageRevision === null ? null : String(item.imageRevision),
    );
    if (revision === null) continue;
    const side = sides.sideOf(Number(revision));
    if (side === null) continue;
    const lastPerJob = new Map<string, RunOutcome>();
    for (const item of group) if (item.outcome !== null) lastPerJob.set(item.jobName, item.outcome);
    runs.push({
      pipeline: last.pipeline,
      runId: last.pipelineRunId,
      at: last.eventTime,
      outcome: [...lastPerJob.values()].includes('failure') ? 'failure' : 'success',
      imageRevision: Number(revision),
      codeRevision: latestBy(group, (item) => item.codeRevision),
      side,
      owners: latestOwners(group),
      project: latestBy(group, (item) => item.project),
      events: group,
    });
  }
  runs.sort((a, b) => a.at.localeCompare(b.at) || a.runId.localeCompare(b.runId));
  return runs;
}

function cite(run: PipelineRun): EvidenceRun {
  return {
    runId: run.runId,
    at: run.at,
    outcome: run.outcome,
    imageRevision: run.imageRevision,
    codeRevision: run.codeRevision,
    side: run.side,
  };
}

export interface JudgeOptions {
  readonly sides: Sides;
  readonly constraints: readonly DeclaredConstraint[];
  readonly targets: ReadonlyMap<string, readonly string[]>;
  readonly minRuns: number;
  readonly windowDays: number;
}

function excludedBy(project: string | null, options: JudgeOptions): DeclaredConstraint | null {
  if (project === null) return null;
  for (const [pkg, versions] of options.targets) {
    for (const version of versions) {
      const hit = excludingConstraints(options.constraints, project, pkg, version)[0];
      if (hit !== undefined) return hit;
    }
  }
  return null;
}

/**
 * The verdict for one pipeline, from its runs (oldest first). The rules, in the order tried:
 * a declared constraint that excludes the target decides; otherwise the latest run on the current
 * side fixes "current code" and its outcome; runs with the target versions count only when they
 * ran that same code. See docs/evidence.md "Verdicts".
 */
export function judgePipeline(
  pipeline: string,
  runs: readonly PipelineRun[],
  options: JudgeOptions,
): PipelineImpact {
  const { sides, minRuns } = options;
  const owners = latestOwners(runs);
  const project = latestBy(runs, (run) => run.project);
  const current = runs.filter((run) => run.side === 'current');
  const target = runs.filter((run) => run.side === 'target');
  const latest = current[current.length - 1];
  const code = latest?.codeRevision ?? null;
  const targetSame = code === null ? [] : target.filter((run) => run.codeRevision === code);

  function verdict(
    v: Verdict,
    basis: VerdictBasis,
    reason: string,
    cited: readonly (PipelineRun | undefined)[],
    extra: { adaptedAt?: string; excluded?: DeclaredConstraint } = {},
  ): PipelineImpact {
    const evidence = [...new Set(cited.filter((run): run is PipelineRun => run !== undefined))].map(cite);
    evidence.sort((a, b) => a.at.localeCompare(b.at));
    return {
      pipeline,
      owners,
      jobs: [],
      project,
      verdict: v,
      basis,
      reason,
      currentCode: code,
      adaptedAt: extra.adaptedAt ?? null,
      evidence,
      runCounts: { current: current.length, target: target.length, targetWithCurrentCode: targetSame.length },
      excludedBy: extra.excluded ?? null,
    };
  }

  const target0 = sides.targetText;
  if (latest === undefined) {
    // Name the revisions it ran on with their pins ("revision 2 (dbt-core 1.11.0)"), not the target
    // as asked: a range reads as if it were the version that ran.
    const ran = [...new Set(target.map((run) => run.imageRevision))].map((r) => sides.describe(r));
    return verdict(
      'unknown',
      'no-current-runs',
      `No run on the current versions in the last ${plural(options.windowDays, 'day')}; it only ran on ${listWords(ran)}.`,
      [target[target.length - 1]],
    );
  }
  const here = sides.describe(latest.imageRevision);
  const excluded = excludedBy(project, options);
  if (excluded !== null) {
    // dbt refuses to start a project whose require-dbt-version excludes the installed dbt-core.
    const why = `Project ${excluded.project} requires ${excluded.package} ${excluded.specifier}, which excludes ${target0}`;
    return latest.outcome === 'success'
      ? verdict('breaks', 'constraint', `${why}; it succeeds on ${here} today.`, [latest], { excluded })
      : verdict('still-broken', 'constraint', `${why}; it already fails on ${here}.`, [latest], { excluded });
  }
  if (code === null) {
    return verdict(
      'unknown',
      'untracked-code',
      'Its runs report no code revision (sourceCodeLocation or dag_bundle_version), so runs cannot be matched to the same code.',
      [latest],
    );
  }
  const currentSame = current.filter((run) => run.codeRevision === code);
  const targetSuccess = targetSame.filter((run) => run.outcome === 'success');
  const lastTarget = targetSame[targetSame.length - 1];
  const tooFew = (what: string, count: number): PipelineImpact =>
    verdict(
      'unknown',
      'too-few-runs',
      `Only ${plural(count, 'run')} ${what} with ${shortCode(code)}; at least ${minRuns} needed to judge.`,
      [latest, lastTarget],
    );

  if (latest.outcome === 'success') {
    if (targetSame.length > 0) {
      if (currentSame.length < minRuns) return tooFew(`on ${here}`, currentSame.length);
      if (targetSame.length < minRuns) return tooFew(`with ${target0}`, targetSame.length);
      const lastSuccess = targetSuccess[targetSuccess.length - 1];
      if (lastSuccess !== undefined) {
        return verdict(
          'unaffected',
          'same-code',
          `Succeeds on ${here} and succeeded on ${sides.describe(lastSuccess.imageRevision)} on ${formatDay(lastSuccess.at)} with the same ${shortCode(code)}.`,
          [lastSuccess, latest],
        );
      }
      return verdict(
        'breaks',
        'failed-on-target',
        `Succeeds on ${here} with ${shortCode(code)}, but that code failed on ${sides.describe(lastTarget!.imageRevision)} on ${formatDay(lastTarget!.at)} and never succeeded with ${target0}.`,
        [lastTarget, latest],
      );
    }
    // Adapted: older code succeeded with the target versions, then failed on the current ones,
    // and the current code turned it green again. That change is a fix for the current versions.
    const adaptation = findAdaptation(current, target, code);
    if (adaptation !== null) {
      const { failed, oldSuccess, firstGreen } = adaptation;
      return verdict(
        'breaks',
        'adapted',
        `Succeeded on ${here} with ${shortCode(code)} after failing there with ${shortCode(failed.codeRevision)}; never succeeded on ${target0} with this code: it adapted on ${formatDay(firstGreen.at)}.`,
        [oldSuccess, failed, firstGreen, latest],
        { adaptedAt: firstGreen.at },
      );
    }
  } else {
    if (targetSame.length > 0) {
      if (currentSame.length < minRuns) return tooFew(`on ${here}`, currentSame.length);
      if (targetSame.length < minRuns) return tooFew(`with ${target0}`, targetSame.length);
      const lastSuccess = targetSuccess[targetSuccess.length - 1];
      if (lastSuccess !== undefined) {
        const since = firstFailureStreak(current, code);
        return verdict(
          'fixes',
          'same-code',
          `Fails on ${here} since ${formatDay(since.at)} with ${shortCode(code)}, which succeeded on ${sides.describe(lastSuccess.imageRevision)} on ${formatDay(lastSuccess.at)}.`,
          [lastSuccess, since, latest],
        );
      }
      return verdict(
        'still-broken',
        'same-code',
        `Fails on ${here} and also failed on ${sides.describe(lastTarget!.imageRevision)} on ${formatDay(lastTarget!.at)} with the same ${shortCode(code)}.`,
        [lastTarget, latest],
      );
    }
  }
  const now = latest.outcome === 'success' ? 'Succeeds' : 'Fails';
  if (target.length > 0) {
    const other = target[target.length - 1]!;
    return verdict(
      'unknown',
      'other-code-only',
      `${now} on ${here} with ${shortCode(code)}, but ran with ${target0} only with other code (${shortCode(other.codeRevision)} on ${formatDay(other.at)}).`,
      [other, latest],
    );
  }
  return verdict(
    'unknown',
    'no-target-runs',
    `${now} on ${here}, but never ran with ${target0} in the last ${plural(options.windowDays, 'day')}.`,
    [latest],
  );
}

function findAdaptation(
  current: readonly PipelineRun[],
  target: readonly PipelineRun[],
  code: string,
): { failed: PipelineRun; oldSuccess: PipelineRun; firstGreen: PipelineRun } | null {
  const firstGreen = current.find((run) => run.codeRevision === code && run.outcome === 'success');
  if (firstGreen === undefined) return null;
  // The last success with the target versions per code revision, looked up once per failed run
  // instead of searching all target runs again (linear in runs, not quadratic).
  const lastTargetSuccess = new Map<string | null, PipelineRun>();
  for (const run of target) if (run.outcome === 'success') lastTargetSuccess.set(run.codeRevision, run);
  for (let i = current.length - 1; i >= 0; i--) {
    const failed = current[i]!;
    if (failed.at > firstGreen.at || failed.outcome !== 'failure') continue;
    if (failed.codeRevision === null || failed.codeRevision === code) continue;
    const oldSuccess = lastTargetSuccess.get(failed.codeRevision);
    if (oldSuccess !== undefined) return { failed, oldSuccess, firstGreen };
  }
  return null;
}

/** The first run of the current failure streak with this code: "fails since Nov 10". */
function firstFailureStreak(current: readonly PipelineRun[], code: string): PipelineRun {
  const same = current.filter((run) => run.codeRevision === code);
  let first = same[same.length - 1]!;
  for (let i = same.length - 1; i >= 0 && same[i]!.outcome === 'failure'; i--) first = same[i]!;
  return first;
}

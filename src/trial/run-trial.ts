/*
 * One trial: today's image and the candidate image as environments, and every registered project
 * run in both at the commit it last ran. Pure orchestration of the adapters beside it; the job
 * around it (queueing, progress, persistence) lives in workflows/trial.
 */
import { join } from 'node:path';
import type { TrialConfig } from './config.js';
import { checkoutProject } from './checkout.js';
import { runDbtProject } from './dbt.js';
import { materialiseEnvironment, pruneEnvironments } from './environments.js';
import type {
  BuiltEnvironment,
  EnvironmentSpec,
  ProjectRun,
  ProjectTrialResult,
  TrialProject,
} from './types.js';
import { trialVerdict } from './verdict.js';

export interface TrialInput {
  readonly current: EnvironmentSpec;
  readonly candidate: EnvironmentSpec;
  readonly projects: readonly TrialProject[];
}

export interface TrialEnvironmentSummary {
  readonly lockHash: string;
  readonly reused: boolean;
  readonly check: BuiltEnvironment['check'];
}

export interface TrialOutcome {
  readonly environments: {
    readonly current: TrialEnvironmentSummary;
    readonly candidate: TrialEnvironmentSummary;
  };
  readonly projects: ProjectTrialResult[];
  /** Per project and side, the tail of dbt's log (for the decision page). */
  readonly logs: Record<
    string,
    { readonly current: readonly string[]; readonly candidate: readonly string[] }
  >;
}

/** Progress as the job shows it: `step` of `total`, and what is being done. */
export type TrialProgress = (progress: { done: number; total: number; step: string }) => void;

const COMMIT = /^[0-9a-f]{7,64}$/i;

function summary(env: BuiltEnvironment): TrialEnvironmentSummary {
  return { lockHash: env.lockHash, reused: env.reused, check: env.check };
}

/**
 * Runs the trial. Throws only when an environment cannot be built (then nothing can be judged);
 * a project that cannot be checked out or run fails on its side with the reason as its error.
 */
export async function runTrial(
  input: TrialInput,
  options: { config: TrialConfig; signal?: AbortSignal; onProgress?: TrialProgress },
): Promise<TrialOutcome> {
  const { config, signal } = options;
  const total = 2 + input.projects.length;
  let done = 0;
  const progress = (step: string): void => options.onProgress?.({ done, total, step });
  progress('building the current environment');
  const current = await materialiseEnvironment(input.current, { config, ...(signal ? { signal } : {}) });
  done += 1;
  progress('building the candidate environment');
  const candidate = await materialiseEnvironment(input.candidate, { config, ...(signal ? { signal } : {}) });
  done += 1;
  const projects: ProjectTrialResult[] = [];
  const logs: Record<string, { current: readonly string[]; candidate: readonly string[] }> = {};
  for (const project of input.projects) {
    signal?.throwIfAborted();
    progress(`running ${project.name}`);
    const result = await trialProject(project, current, candidate, input, {
      config,
      ...(signal ? { signal } : {}),
    });
    projects.push(result.result);
    logs[project.name] = result.logs;
    done += 1;
  }
  signal?.throwIfAborted();
  progress('done');
  pruneEnvironments(config, [current.lockHash, candidate.lockHash]);
  return { environments: { current: summary(current), candidate: summary(candidate) }, projects, logs };
}

async function trialProject(
  project: TrialProject,
  current: BuiltEnvironment,
  candidate: BuiltEnvironment,
  input: TrialInput,
  options: { config: TrialConfig; signal?: AbortSignal },
): Promise<{
  result: ProjectTrialResult;
  logs: { current: readonly string[]; candidate: readonly string[] };
}> {
  const base = { name: project.name, owners: [...project.owners] };
  let checkout;
  try {
    checkout = await checkoutProject(
      {
        repoUrl: project.repoUrl,
        commit: project.commit !== null && COMMIT.test(project.commit) ? project.commit : null,
        credential: project.credential,
        label: project.name,
      },
      options,
    );
  } catch (error) {
    options.signal?.throwIfAborted();
    const message = (error as Error).message;
    return {
      result: {
        ...base,
        commit: project.commit,
        current: { ok: false, error: message },
        candidate: { ok: false, error: message, deprecations: [] },
        verdict: 'still-broken',
      },
      logs: { current: [], candidate: [] },
    };
  }
  try {
    const projectDir = project.path === '' ? checkout.dir : join(checkout.dir, project.path);
    const today: ProjectRun = await runDbtProject(
      { envPath: current.path, projectDir, pins: input.current.pins },
      options,
    );
    const next: ProjectRun = await runDbtProject(
      { envPath: candidate.path, projectDir, pins: input.candidate.pins },
      options,
    );
    // A cancel stops dbt, which then "fails": that is no verdict, so the trial ends as cancelled.
    options.signal?.throwIfAborted();
    return {
      result: {
        ...base,
        commit: checkout.commit,
        commitSource: checkout.source,
        commitNote: checkout.note,
        current: { ok: today.ok, error: today.error },
        candidate: { ok: next.ok, error: next.error, deprecations: next.deprecations },
        verdict: trialVerdict(today.ok, next.ok),
      },
      logs: { current: today.log, candidate: next.log },
    };
  } finally {
    checkout.remove();
  }
}

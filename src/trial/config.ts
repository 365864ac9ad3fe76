/*
 * The operator's trial configuration, read from the environment once at start-up. The programs a
 * trial runs (uv or pip, git, and the dbt inside each environment it built) come from here and from
 * nowhere else: a customer registers repositories, never programs.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { InputError } from '../domain/errors/index.js';
import type { ProcessLimits } from './process.js';

export interface TrialConfig {
  /** Where environments and checkouts live: `<data dir>/trial`. */
  readonly workDir: string;
  /** uv builds the environments; null when none is configured or on PATH (then `python -m venv` + pip). */
  readonly uv: string | null;
  /** The interpreter pip fallback environments are made with. */
  readonly python: string;
  readonly git: string;
  readonly limits: ProcessLimits;
  /** Environments kept (most recently used first); older ones are removed after a trial. */
  readonly keepEnvironments: number;
  /**
   * Where one trial's checkouts and dbt scratch folders go (default: `workDir`). The job runner
   * gives each trial its own (`<workDir>/jobs/<trial id>`) and removes it when the trial ends, or
   * when it resumes a trial a stopped server left half done.
   */
  readonly scratchDir?: string;
}

function findOnPath(program: string, path = process.env['PATH'] ?? ''): string | null {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, program);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return null;
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) {
    throw new InputError(`${name} must be a whole number (got "${text}").`, {
      remedy: `Set ${name} to a whole number, or unset it for the default (${String(fallback)}).`,
    });
  }
  return value;
}

/**
 * The trial configuration from the environment:
 * - `RATCHET_UV`: the uv binary (default: `uv` on PATH; without one, environments are built with
 *   `RATCHET_TRIAL_PYTHON -m venv` and pip),
 * - `RATCHET_GIT` (default `git`), `RATCHET_TRIAL_PYTHON` (default `python3`),
 * - `RATCHET_TRIAL_DIR` (default `<RATCHET_DATA_DIR or .ratchet>/trial`),
 * - `RATCHET_TRIAL_TIMEOUT_MS` per child process (default 600000), `RATCHET_TRIAL_MEMORY_MB` per
 *   child process (default 4096; 0 for none), `RATCHET_TRIAL_KEEP_ENVS` (default 6).
 */
export function trialConfigFromEnv(env: NodeJS.ProcessEnv = process.env): TrialConfig {
  const configuredUv = env['RATCHET_UV']?.trim();
  return {
    workDir: resolve(env['RATCHET_TRIAL_DIR'] ?? join(env['RATCHET_DATA_DIR'] ?? '.ratchet', 'trial')),
    uv: configuredUv !== undefined && configuredUv !== '' ? configuredUv : findOnPath('uv', env['PATH']),
    python: env['RATCHET_TRIAL_PYTHON']?.trim() || 'python3',
    git: env['RATCHET_GIT']?.trim() || 'git',
    limits: {
      timeoutMs: positiveInteger(env, 'RATCHET_TRIAL_TIMEOUT_MS', 600_000),
      memoryMb: positiveInteger(env, 'RATCHET_TRIAL_MEMORY_MB', 4096),
    },
    keepEnvironments: positiveInteger(env, 'RATCHET_TRIAL_KEEP_ENVS', 6),
  };
}

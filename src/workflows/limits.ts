/**
 * Input limits checked before any parsing, and time budgets of work run off the event loop
 * (issue 13, README "Configuration", docs/reliability.md). Read from the environment on each use
 * so a server, a test or the CLI sees the value it was started with.
 */
import { InputError } from '../domain/errors/index.js';

export interface WorkLimits {
  /** RATCHET_YAML_MAX_BYTES: largest dbt_project.yml accepted (real ones are a few KiB). */
  readonly yamlMaxBytes: number;
  /** RATCHET_LINEAGE_MAX_EVENTS: most OpenLineage events in one POST /api/v1/lineage. */
  readonly lineageMaxEvents: number;
  /** RATCHET_PARSE_TIMEOUT_MS: wall time a YAML file or an event batch may take to parse and validate. */
  readonly parseTimeoutMs: number;
  /** RATCHET_PLAN_TIMEOUT_MS: wall time one dependency review (resolver plan) may take. */
  readonly planTimeoutMs: number;
}

export const DEFAULT_WORK_LIMITS: WorkLimits = {
  yamlMaxBytes: 64 * 1024,
  lineageMaxEvents: 5_000,
  parseTimeoutMs: 10_000,
  planTimeoutMs: 60_000,
};

function positiveInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) {
    throw new TypeError(`${name} must be a positive integer, got "${value}".`);
  }
  return parsed;
}

export function workLimits(env: NodeJS.ProcessEnv = process.env): WorkLimits {
  return {
    yamlMaxBytes: positiveInteger(
      'RATCHET_YAML_MAX_BYTES',
      env['RATCHET_YAML_MAX_BYTES'],
      DEFAULT_WORK_LIMITS.yamlMaxBytes,
    ),
    lineageMaxEvents: positiveInteger(
      'RATCHET_LINEAGE_MAX_EVENTS',
      env['RATCHET_LINEAGE_MAX_EVENTS'],
      DEFAULT_WORK_LIMITS.lineageMaxEvents,
    ),
    parseTimeoutMs: positiveInteger(
      'RATCHET_PARSE_TIMEOUT_MS',
      env['RATCHET_PARSE_TIMEOUT_MS'],
      DEFAULT_WORK_LIMITS.parseTimeoutMs,
    ),
    planTimeoutMs: positiveInteger(
      'RATCHET_PLAN_TIMEOUT_MS',
      env['RATCHET_PLAN_TIMEOUT_MS'],
      DEFAULT_WORK_LIMITS.planTimeoutMs,
    ),
  };
}

/** The refusal for work that ran out of its time budget: the input, not the server, is at fault. */
export function tooComplex(what: string, limitMs: number, remedy: string): InputError {
  return new InputError(`${what} took longer than ${limitMs} ms to process and was stopped.`, {
    remedy,
    extra: { field: 'body', limitMs },
  });
}

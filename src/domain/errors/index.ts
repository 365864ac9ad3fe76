/**
 * The few domain errors Ratchet throws (STYLE.md, after Backstage). Workflows and parsers throw
 * these; exactly one place maps them to HTTP status (src/api) and one to CLI exit codes (src/cli).
 * No HTTP types live here.
 */

export type ErrorKind =
  'input' | 'not-found' | 'conflict' | 'not-allowed' | 'policy' | 'unauthenticated' | 'unavailable';

export interface ErrorDetails {
  /** What to do instead: every refusal says it (STYLE.md "Ours"). */
  readonly remedy?: string;
  /** The policy clause a refusal enforces, e.g. "platform-forward-fix". */
  readonly policy?: string;
  /** Extra machine-readable facts (field name, offending position, the conflicting request id...). */
  readonly extra?: Readonly<Record<string, unknown>>;
  /** The lower-level error behind this one (kept for logs, never shown to a client). */
  readonly cause?: unknown;
}

export abstract class RatchetError extends Error {
  abstract readonly kind: ErrorKind;
  readonly remedy: string | undefined;
  readonly policy: string | undefined;
  readonly extra: Readonly<Record<string, unknown>>;

  constructor(message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.remedy = details.remedy;
    this.policy = details.policy;
    this.extra = details.extra ?? {};
  }
}

/** Malformed or invalid input from outside: a bad requirement string, a missing field. */
export class InputError extends RatchetError {
  readonly kind = 'input';
}

/** The thing does not exist, or the caller may not know it exists (tenant isolation answers 404). */
export class NotFoundError extends RatchetError {
  readonly kind = 'not-found';
}

/** The request is valid but collides with current state: a stale revision, a change already in flight. */
export class ConflictError extends RatchetError {
  readonly kind = 'conflict';
}

/** The caller's role does not own this step. */
export class NotAllowedError extends RatchetError {
  readonly kind = 'not-allowed';
}

/** The rollback policy forbids this: infrastructure/platform rollback, platform downgrade, ... */
export class PolicyError extends RatchetError {
  readonly kind = 'policy';
}

/** No credentials, or credentials that are unknown, expired or revoked. */
export class UnauthenticatedError extends RatchetError {
  readonly kind = 'unauthenticated';
}

/**
 * Something Ratchet depends on is out of reach for now (a package index that does not answer):
 * nobody's fault, worth retrying later. `retryAfterSeconds` passes on when to try again, where the
 * dependency said so (its `Retry-After`).
 */
export class UnavailableError extends RatchetError {
  readonly kind = 'unavailable';
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, details: ErrorDetails & { retryAfterSeconds?: number } = {}) {
    super(message, details);
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

export function isRatchetError(value: unknown): value is RatchetError {
  return value instanceof RatchetError;
}

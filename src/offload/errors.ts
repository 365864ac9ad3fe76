/**
 * Errors cross the thread boundary as plain data: structured clone keeps only `message` and
 * `name` of an Error, so a worker's InputError would arrive as a bare Error (a 500). The domain
 * errors are rebuilt on this side with their kind, remedy, policy and extras.
 */
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  PolicyError,
  UnauthenticatedError,
  UnavailableError,
  isRatchetError,
} from '../domain/errors/index.js';
import type { ErrorDetails, ErrorKind, RatchetError } from '../domain/errors/index.js';

export interface SerializedError {
  kind: ErrorKind | null;
  message: string;
  remedy?: string;
  policy?: string;
  extra?: Record<string, unknown>;
  retryAfterSeconds?: number;
}

const BY_KIND: Record<ErrorKind, new (message: string, details?: ErrorDetails) => RatchetError> = {
  input: InputError,
  'not-found': NotFoundError,
  conflict: ConflictError,
  'not-allowed': NotAllowedError,
  policy: PolicyError,
  unauthenticated: UnauthenticatedError,
  unavailable: UnavailableError,
};

export function serializeError(error: unknown): SerializedError {
  if (isRatchetError(error)) {
    return {
      kind: error.kind,
      message: error.message,
      ...(error.remedy !== undefined ? { remedy: error.remedy } : {}),
      ...(error.policy !== undefined ? { policy: error.policy } : {}),
      extra: { ...error.extra },
      ...(error instanceof UnavailableError && error.retryAfterSeconds !== undefined
        ? { retryAfterSeconds: error.retryAfterSeconds }
        : {}),
    };
  }
  return { kind: null, message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
}

export function deserializeError(error: SerializedError): Error {
  if (error.kind === null) return new Error(`offloaded task failed: ${error.message}`);
  return new BY_KIND[error.kind](error.message, {
    ...(error.remedy !== undefined ? { remedy: error.remedy } : {}),
    ...(error.policy !== undefined ? { policy: error.policy } : {}),
    ...(error.extra !== undefined ? { extra: error.extra } : {}),
    ...(error.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
  });
}

/**
 * Problem types and kinds without the server: the CLI reads a problem's kind back with
 * `problemKindOf`, and importing it must not load Fastify or zod (the CLI's startup time).
 * problem.ts re-exports all of it beside the error mapping.
 */
import type { ErrorKind } from '../domain/errors/index.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Kinds beyond the domain's: transport-level refusals and the unexpected. */
export type ProblemKind =
  ErrorKind | 'payload-too-large' | 'unsupported-media-type' | 'too-many-requests' | 'internal';

/** RFC 9457 problem details, with Ratchet's `policy`/`remedy` and any extras as extension members. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  policy?: string;
  remedy?: string;
  [extension: string]: unknown;
}

interface KindMapping {
  status: number;
  title: string;
}

// InputError is 400 even when the JSON is schema-valid but semantically wrong (an unparsable
// requirement string): clients then need one rule, "4xx input = fix the request", not two.
const KINDS: Record<ProblemKind, KindMapping> = {
  input: { status: 400, title: 'Invalid input' },
  unauthenticated: { status: 401, title: 'Not authenticated' },
  'not-allowed': { status: 403, title: 'Not allowed for your role' },
  'not-found': { status: 404, title: 'Not found' },
  conflict: { status: 409, title: 'Conflict with the current state' },
  policy: { status: 409, title: 'Refused by the rollback policy' },
  'payload-too-large': { status: 413, title: 'Request body too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'too-many-requests': { status: 429, title: 'Too many requests' },
  internal: { status: 500, title: 'Internal server error' },
  unavailable: { status: 503, title: 'A service Ratchet depends on is unavailable' },
};

/** `urn:ratchet:problem:policy`: stable, and the CLI reads the kind back from it. */
export function problemType(kind: ProblemKind): string {
  return `urn:ratchet:problem:${kind}`;
}

/** The inverse of `problemType`, for clients; unknown types answer `undefined`. */
export function problemKindOf(type: unknown): ProblemKind | undefined {
  if (typeof type !== 'string' || !type.startsWith('urn:ratchet:problem:')) return undefined;
  const kind = type.slice('urn:ratchet:problem:'.length);
  return kind in KINDS ? (kind as ProblemKind) : undefined;
}

export function makeProblem(
  kind: ProblemKind,
  detail: string,
  instance: string,
  extensions: Record<string, unknown> = {},
): Problem {
  const { status, title } = KINDS[kind];
  // Extensions first so they can never overwrite the standard members.
  return { ...extensions, type: problemType(kind), title, status, detail, instance };
}

/**
 * The ONE place where errors become HTTP responses (STYLE.md: domain errors are mapped to HTTP
 * status in exactly one place). Every error leaves the server as RFC 9457 problem+json.
 */
import type { FastifyError, FastifyReply } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isRatchetError, UnavailableError } from '../domain/errors/index.js';
import { PROBLEM_CONTENT_TYPE, makeProblem } from './problem-kinds.js';
import type { Problem, ProblemKind } from './problem-kinds.js';

export { PROBLEM_CONTENT_TYPE, makeProblem, problemKindOf, problemType } from './problem-kinds.js';
export type { Problem, ProblemKind } from './problem-kinds.js';

export interface MappedError {
  problem: Problem;
  /** True when the error is not the caller's fault: log it with its stack. */
  unexpected: boolean;
  /** Response headers the problem's status calls for (RFC 9110: WWW-Authenticate on 401, Retry-After on 503). */
  headers?: Record<string, string>;
}

/** RFC 6750: a 401 names the scheme the client should use. */
export const WWW_AUTHENTICATE = 'Bearer realm="ratchet"';

/** Sends a problem with the status it carries (never a second, hand-written status beside it). */
export function sendProblem(
  reply: FastifyReply,
  problem: Problem,
  headers: Record<string, string> = {},
): FastifyReply {
  return reply.code(problem.status).headers(headers).type(PROBLEM_CONTENT_TYPE).send(problem);
}

function headersFor(error: { kind: ProblemKind }): Record<string, string> | undefined {
  if (error.kind === 'unauthenticated') return { 'www-authenticate': WWW_AUTHENTICATE };
  if (error instanceof UnavailableError && error.retryAfterSeconds !== undefined)
    return { 'retry-after': String(Math.max(1, Math.ceil(error.retryAfterSeconds))) };
  return undefined;
}

interface FieldIssue {
  in: string;
  path: string;
  message: string;
}

function validationIssues(error: FastifyError & { validationContext?: string }): FieldIssue[] {
  const where = error.validationContext ?? 'body';
  return (error.validation ?? []).map((issue) => ({
    in: where,
    // zod paths arrive as "/a/0/b"; "a.0.b" reads better in a sentence.
    path: issue.instancePath.replace(/^\//, '').replaceAll('/', '.') || '(root)',
    message: issue.message ?? 'is invalid',
  }));
}

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && typeof (error as Partial<FastifyError>).code === 'string';
}

/**
 * Maps anything thrown while handling a request to a problem. Internals (messages of unexpected
 * errors, stacks, SQL) never reach the body; the caller logs them.
 */
export function toProblem(error: unknown, instance: string): MappedError {
  if (isRatchetError(error)) {
    const extensions: Record<string, unknown> = { ...error.extra };
    if (error.policy !== undefined) extensions.policy = error.policy;
    if (error.remedy !== undefined) extensions.remedy = error.remedy;
    const headers = headersFor(error);
    return {
      problem: makeProblem(error.kind, error.message, instance, extensions),
      unexpected: false,
      ...(headers ? { headers } : {}),
    };
  }
  if (hasZodFastifySchemaValidationErrors(error) || (isFastifyError(error) && error.validation)) {
    const issues = validationIssues(error as FastifyError);
    const detail = issues.map((issue) => `${issue.in} ${issue.path}: ${issue.message}`).join('; ');
    return {
      problem: makeProblem('input', detail || 'The request does not match the schema.', instance, {
        errors: issues,
        remedy: 'Correct the named fields; /openapi.json describes every request.',
      }),
      unexpected: false,
    };
  }
  if (isFastifyError(error) && error.statusCode !== undefined && error.statusCode < 500) {
    return { problem: fastifyClientProblem(error, instance), unexpected: false };
  }
  return {
    problem: makeProblem('internal', 'The server failed unexpectedly; the error was logged.', instance),
    unexpected: true,
  };
}

function fastifyClientProblem(error: FastifyError, instance: string): Problem {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return makeProblem('payload-too-large', 'The request body exceeds the server limit.', instance, {
        remedy: 'Send a smaller body; the limit is set with RATCHET_BODY_LIMIT.',
      });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return makeProblem('unsupported-media-type', error.message, instance, {
        remedy: 'Send the body as application/json.',
      });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return makeProblem('input', 'The request body is not valid JSON.', instance, {
        remedy: 'Send a well-formed JSON document.',
      });
    default:
      break;
  }
  if (error.statusCode === 404) return makeProblem('not-found', error.message, instance);
  // Remaining Fastify client errors (bad content length, malformed header...) are the caller's
  // input; keep Fastify's status so the code is honest, the kind says "fix the request".
  const problem = makeProblem('input', error.message, instance);
  problem.status = error.statusCode ?? 400;
  return problem;
}

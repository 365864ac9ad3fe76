/**
 * The one place where every request's strings are checked before a route sees them (issue 13):
 * path parameters, query, headers and body, on every route including the public ones. A NUL
 * character or a lone surrogate anywhere, or JSON nested deeper than the limit, is a 400 naming the
 * field (`body.title`, `params.tenantId`, `query.change`), identical on SQLite and PostgreSQL, and
 * nothing is written. It runs in preValidation: after access control (a stranger learns nothing
 * about a route's input rules) and before zod, the workflows and the store, all of which recurse.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { JSON_MAX_DEPTH, checkJsonText, checkValue } from '../domain/input/index.js';

export interface InputGuardOptions {
  /** Deepest JSON nesting accepted in bodies. Default JSON_MAX_DEPTH (64). */
  maxDepth?: number;
}

// Raw-text bodies (the signed deploy callback) are JSON the route parses later: they are scanned as
// text, without parsing them a second time.
const JSON_LIKE = /^application\/(?:[\w.+-]*\+)?(?:json|x-ndjson|ndjson|jsonl|x-jsonlines|jsonlines)$/;

function mediaType(request: FastifyRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Installs the check for every route registered after it. */
export function installInputGuard(app: FastifyInstance, options: InputGuardOptions = {}): void {
  const maxDepth = options.maxDepth ?? JSON_MAX_DEPTH;
  if (!Number.isInteger(maxDepth) || maxDepth < 1) {
    throw new TypeError(
      `installInputGuard needs { maxDepth } as a positive integer, got ${String(maxDepth)}.`,
    );
  }
  app.addHook('preValidation', async (request) => {
    checkValue(request.params, 'params', { maxDepth });
    checkValue(request.query, 'query', { maxDepth });
    checkValue(request.headers, 'headers', { maxDepth });
    const body = request.body;
    // Raw bytes (POST /api/v1/lineage keeps them for its worker thread) are checked with the same
    // rules where they are decoded, off the event loop: src/workflows/evidence/prepare.ts.
    if (body instanceof Uint8Array) return;
    if (typeof body === 'string') {
      if (JSON_LIKE.test(mediaType(request))) checkJsonText(body, 'body', { maxDepth });
      else checkValue(body, 'body', { maxDepth });
    } else if (body !== undefined && body !== null) {
      checkValue(body, 'body', { maxDepth });
    }
  });
}

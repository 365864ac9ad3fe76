/**
 * `Idempotency-Key` on POSTs (after draft-ietf-httpapi-idempotency-key-header): a client that did
 * not see the answer to a write may send it again with the same key, and gets the first answer
 * back instead of a second change. Reusing a key for a different request is refused.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ConflictError, InputError } from '../domain/errors/index.js';

/** What is kept of a successful first response. */
export interface IdempotentResponse {
  actorId: string;
  key: string;
  /** `POST /api/v1/tenants`: the route pattern; keys are scoped per actor and route. */
  route: string;
  /** sha256 of the route, the concrete URL and the canonical body. */
  requestHash: string;
  status: number;
  body: string;
  createdAt: string;
}

/** The storage the replay needs; the store's idempotency-key table implements it. */
export interface IdempotencyStore {
  find(actorId: string, route: string, key: string): Promise<IdempotentResponse | undefined>;
  save(response: IdempotentResponse): Promise<void>;
}

export interface IdempotencyOptions {
  store: IdempotencyStore;
  /** The id of the authenticated caller; keys are scoped per actor. */
  actorIdOf: (request: FastifyRequest) => string | undefined;
}

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

// Key order must not make two equal bodies differ.
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

interface PendingReplay {
  actorId: string;
  key: string;
  route: string;
  requestHash: string;
}

const pending = new WeakMap<FastifyRequest, PendingReplay>();

function routeOf(request: FastifyRequest): string {
  return `${request.method} ${request.routeOptions.url ?? request.url}`;
}

/** Installs the replay hooks for every POST under /api that carries an Idempotency-Key. */
export function installIdempotency(app: FastifyInstance, options: IdempotencyOptions): void {
  if (typeof options?.store?.find !== 'function' || typeof options.store.save !== 'function') {
    throw new TypeError(
      'installIdempotency needs { store: { find, save } }, e.g. the store idempotency table.',
    );
  }
  if (typeof options.actorIdOf !== 'function') {
    throw new TypeError('installIdempotency needs { actorIdOf: (request) => actorId }.');
  }

  // preHandler: the body is parsed and validated and the caller authenticated by now.
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.method !== 'POST') return;
    const header = request.headers['idempotency-key'];
    if (header === undefined) return;
    const key = Array.isArray(header) ? header[0]! : header;
    if (!KEY_PATTERN.test(key)) {
      throw new InputError('The Idempotency-Key header must be 1-255 visible ASCII characters.', {
        remedy: 'Send a random UUID as the Idempotency-Key.',
      });
    }
    const actorId = options.actorIdOf(request);
    if (actorId === undefined) return;
    const route = routeOf(request);
    const requestHash = createHash('sha256')
      .update(`${route}\n${request.url}\n${canonicalJson(request.body ?? null)}`)
      .digest('hex');
    const earlier = await options.store.find(actorId, route, key);
    if (earlier === undefined) {
      pending.set(request, { actorId, key, route, requestHash });
      return;
    }
    if (earlier.requestHash !== requestHash) {
      throw new ConflictError('This Idempotency-Key was already used for a different request.', {
        remedy: 'Use a new Idempotency-Key for a new request; reuse a key only to retry the same request.',
        extra: { idempotencyKey: key, firstUsedAt: earlier.createdAt },
      });
    }
    reply.header('idempotent-replayed', 'true');
    reply.code(earlier.status).type('application/json');
    return reply.send(earlier.body);
  });

  // Only successful answers are kept: a refused request changed nothing, so repeating it is safe
  // and it may succeed once the state allows it.
  app.addHook('onSend', async (request, reply, payload) => {
    const replay = pending.get(request);
    if (replay === undefined) return payload;
    pending.delete(request);
    if (reply.statusCode < 200 || reply.statusCode >= 300 || typeof payload !== 'string') return payload;
    try {
      await options.store.save({
        ...replay,
        status: reply.statusCode,
        body: payload,
        createdAt: new Date().toISOString(),
      });
    } catch (error) {
      // A concurrent request with the same key stored its answer first. This change is done and
      // the caller deserves its answer; the next retry replays the stored one.
      request.log.warn({ err: error, idempotencyKey: replay.key }, 'idempotent response not stored');
    }
    return payload;
  });
}

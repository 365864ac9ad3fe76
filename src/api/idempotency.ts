/**
 * `Idempotency-Key` on POSTs (after draft-ietf-httpapi-idempotency-key-header): a client that did
 * not see the answer to a write may send it again with the same key, and gets the first answer
 * back instead of a second change. Reusing a key for a different request is refused.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ConflictError, InputError } from '../domain/errors/index.js';

/** What is kept of a first response, or of a reservation whose request is still running. */
export interface IdempotentResponse {
  actorId: string;
  key: string;
  /** `POST /api/v1/tenants`: the route pattern; keys are scoped per actor and route. */
  route: string;
  /** sha256 of the route, the concrete URL and the canonical body. */
  requestHash: string;
  /** The HTTP status of the answer; null while the first request with this key still runs. */
  status: number | null;
  body: string;
  createdAt: string;
}

/** One key of one caller on one route, and the request it was first used for. */
export interface IdempotencyClaim {
  actorId: string;
  key: string;
  route: string;
  requestHash: string;
}

/**
 * The storage the replay needs; the store's idempotency-key table implements it. `reserve` must be
 * atomic across processes (a unique row): it is what makes concurrent retries run the request once.
 */
export interface IdempotencyStore {
  /** Reserves the key for this request: null when reserved now, else what the key already holds. */
  reserve(claim: IdempotencyClaim): Promise<IdempotentResponse | null>;
  /** Stores the answer of a reserved key. */
  complete(claim: IdempotencyClaim, status: number, body: string): Promise<void>;
  /** Frees a reserved key whose request changed nothing, so a retry may run it. */
  release(claim: IdempotencyClaim): Promise<void>;
}

export interface IdempotencyOptions {
  store: IdempotencyStore;
  /** The id of the authenticated caller; keys are scoped per actor. */
  actorIdOf: (request: FastifyRequest) => string | undefined;
  /**
   * After this long a reservation without an answer is taken as interrupted (the server died
   * mid-request): its outcome is unknown, so it is never run again under the same key. Default 5 min.
   */
  interruptedAfterMs?: number;
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

const pending = new WeakMap<FastifyRequest, IdempotencyClaim>();
const DEFAULT_INTERRUPTED_AFTER_MS = 5 * 60_000;

function routeOf(request: FastifyRequest): string {
  return `${request.method} ${request.routeOptions.url ?? request.url}`;
}

/** Installs the replay hooks for every POST under /api that carries an Idempotency-Key. */
export function installIdempotency(app: FastifyInstance, options: IdempotencyOptions): void {
  const store = options?.store;
  if (
    typeof store?.reserve !== 'function' ||
    typeof store.complete !== 'function' ||
    typeof store.release !== 'function'
  ) {
    throw new TypeError(
      'installIdempotency needs { store: { reserve, complete, release } }, e.g. storeIdempotency(store).',
    );
  }
  const interruptedAfterMs = options.interruptedAfterMs ?? DEFAULT_INTERRUPTED_AFTER_MS;
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
    const hash = createHash('sha256').update(`${route}\n${request.url}\n`);
    // A raw body (OpenLineage batches arrive as bytes) is hashed as it came: walking a 30 MiB
    // Buffer as a JSON object would hold the event loop for seconds.
    if (request.body instanceof Uint8Array) hash.update(request.body);
    else hash.update(canonicalJson(request.body ?? null));
    const requestHash = hash.digest('hex');
    const claim: IdempotencyClaim = { actorId, key, route, requestHash };
    // Reserve first, run second: of any number of concurrent attempts (in any process sharing the
    // database) exactly one inserts the row and runs; the others see it below (issue 13).
    const earlier = await store.reserve(claim);
    if (earlier === null) {
      pending.set(request, claim);
      return;
    }
    if (earlier.requestHash !== requestHash) {
      throw new ConflictError('This Idempotency-Key was already used for a different request.', {
        remedy: 'Use a new Idempotency-Key for a new request; reuse a key only to retry the same request.',
        extra: { idempotencyKey: key, firstUsedAt: earlier.createdAt },
      });
    }
    if (earlier.status === null) {
      const age = Date.now() - Date.parse(earlier.createdAt);
      if (age > interruptedAfterMs) {
        throw new ConflictError(
          'The first request with this Idempotency-Key was interrupted before it answered; whether it took effect is unknown.',
          {
            remedy:
              'Check whether the change exists (list or read it); if it does not, send the request again with a new Idempotency-Key.',
            extra: { idempotencyKey: key, firstUsedAt: earlier.createdAt },
          },
        );
      }
      reply.header('retry-after', '1');
      throw new ConflictError('A request with this Idempotency-Key is still in progress.', {
        remedy: 'Retry with the same Idempotency-Key in a moment to get its answer.',
        extra: { idempotencyKey: key, firstUsedAt: earlier.createdAt, inProgress: true },
      });
    }
    reply.header('idempotent-replayed', 'true');
    reply.code(earlier.status).type('application/json');
    return reply.send(earlier.body);
  });

  // Only successful answers are kept: a refused request changed nothing, so repeating it is safe
  // and it may succeed once the state allows it; its reservation is released.
  app.addHook('onSend', async (request, reply, payload) => {
    const claim = pending.get(request);
    if (claim === undefined) return payload;
    pending.delete(request);
    const succeeded = reply.statusCode >= 200 && reply.statusCode < 300 && typeof payload === 'string';
    try {
      if (succeeded) await store.complete(claim, reply.statusCode, payload);
      else await store.release(claim);
    } catch (error) {
      // The change (if any) is done and the caller gets its answer; the key stays reserved, so a
      // retry is told the outcome is unknown rather than running the request a second time.
      request.log.warn({ err: error, idempotencyKey: claim.key }, 'idempotency key not settled');
    }
    return payload;
  });
}

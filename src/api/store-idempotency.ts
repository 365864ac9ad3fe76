import { IDEMPOTENCY_IN_PROGRESS } from '../store/index.js';
import type { IdempotencyClaim as StoreClaim, Store } from '../store/index.js';
import type { IdempotencyClaim, IdempotencyStore } from './idempotency.js';

function toStoreClaim(claim: IdempotencyClaim): StoreClaim {
  return { actorUserId: claim.actorId, route: claim.route, key: claim.key, requestHash: claim.requestHash };
}

/** The Idempotency-Key replay backed by the store's idempotency_keys table. */
export function storeIdempotency(store: Store): IdempotencyStore {
  return {
    async reserve(claim) {
      const record = await store.repos.idempotency.reserve(toStoreClaim(claim));
      if (record === null) return null;
      return {
        actorId: record.actorUserId,
        key: record.key,
        route: record.route,
        requestHash: record.requestHash,
        status: record.status === IDEMPOTENCY_IN_PROGRESS ? null : record.status,
        // The table keeps JSON; the replay sends the very same text back.
        body: JSON.stringify(record.body),
        createdAt: record.createdAt,
      };
    },
    async complete(claim, status, body) {
      await store.repos.idempotency.complete(toStoreClaim(claim), status, JSON.parse(body) as unknown);
    },
    async release(claim) {
      await store.repos.idempotency.release(toStoreClaim(claim));
    },
  };
}

import type { Store } from '../store/index.js';
import type { IdempotencyStore } from './idempotency.js';

/** The Idempotency-Key replay backed by the store's idempotency_keys table. */
export function storeIdempotency(store: Store): IdempotencyStore {
  return {
    async find(actorId, route, key) {
      const record = await store.repos.idempotency.find(actorId, route, key);
      if (record === null) return undefined;
      return {
        actorId: record.actorUserId,
        key: record.key,
        route: record.route,
        requestHash: record.requestHash,
        status: record.status,
        // The table keeps JSON; the replay sends the very same text back.
        body: JSON.stringify(record.body),
        createdAt: record.createdAt,
      };
    },
    async save(response) {
      await store.repos.idempotency.save({
        actorUserId: response.actorId,
        route: response.route,
        key: response.key,
        requestHash: response.requestHash,
        status: response.status,
        body: JSON.parse(response.body) as unknown,
      });
    },
  };
}

import { createOutboxRepository } from '../delivery/outbox/index.js';
import type { OutboxRepository } from '../delivery/outbox/index.js';
import type { Store } from '../store/index.js';

/** The outbox on the store's database: notifications commit with the change they announce. */
export function outboxOf(store: Store): OutboxRepository {
  return createOutboxRepository({ db: store.db, engine: store.engine, now: () => store.now() });
}

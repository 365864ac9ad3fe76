import { InputError } from '../../domain/errors/index.js';
import { outboxRepository } from '../../store/index.js';
import type { Db } from '../../store/index.js';
import type { OutboxRepository, OutboxRepositoryOptions } from './types.js';

/**
 * The outbox for the delivery side and the workflows that announce a change. Its queries are the
 * store's (`outboxRepository`, store/repositories/outbox.ts); this binds them to the pool, and
 * `enqueue` to whichever handle the caller passes, so the message commits with the caller's change.
 *
 * @example
 * const outbox = createOutboxRepository({ db: store.db, engine: store.engine, now: store.now });
 * await store.transaction(async (tx) => {
 *   await tx.revisions.setStatus(id, version, 'deployed');
 *   await outbox.enqueue(tx.db, { topic: 'hotfix.deployed', eventId: id, receivers, subject, text, data });
 * });
 */
export function createOutboxRepository(options: OutboxRepositoryOptions): OutboxRepository {
  if (!options.db) {
    throw new InputError('createOutboxRepository needs `db`: the Kysely handle of the store.');
  }
  if (options.engine !== 'sqlite' && options.engine !== 'postgres') {
    throw new InputError("createOutboxRepository needs `engine`: 'sqlite' or 'postgres'.");
  }
  const { engine } = options;
  const clock = options.now ?? (() => new Date());
  const on = (db: Db) => outboxRepository({ db, engine, now: () => clock().toISOString() });

  // Everything but `enqueue` runs on the pool; the store's methods are closures, not bound to `this`.
  return { ...on(options.db), enqueue: (tx, message) => on(tx).enqueue(message) };
}

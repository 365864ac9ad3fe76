import type { Kysely } from 'kysely';

import { engines, openTestStore } from '../../../test/support/engines.js';
import type { Engine, Store } from '../../store/index.js';
import { outboxMigration } from '../outbox/migration.js';

export { engines };

export interface TestDatabase {
  engine: Engine;
  /** A fresh store (its own SQLite file or PostgreSQL database) with the outbox table added. */
  store: Store;
  /** A second store on the same database: another worker process, in effect. */
  openAnother(): Promise<Store>;
  close(): Promise<void>;
}

/**
 * The store's engine matrix (test/support/engines.ts) plus the outbox migration, applied here
 * while the store's own migration list does not include it.
 */
export async function openTestDatabase(engine: Engine): Promise<TestDatabase> {
  const test = await openTestStore(engine);
  const db = test.store.db as unknown as Kysely<unknown>;
  // Once the store lists outboxMigration among its own, the table is already there.
  const tables = await db.introspection.getTables();
  if (!tables.some((table) => table.name === 'outbox')) await outboxMigration.up(db);
  return {
    engine,
    store: test.store,
    openAnother: () => test.openAnother(),
    close: () => test.destroy(),
  };
}

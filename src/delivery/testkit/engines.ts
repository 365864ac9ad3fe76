import { engines, openTestStore } from '../../../test/support/engines.js';
import type { Engine, Store } from '../../store/index.js';

export { engines };

export interface TestDatabase {
  engine: Engine;
  /** A fresh store (its own SQLite file or PostgreSQL database); its migrations include the outbox. */
  store: Store;
  /** A second store on the same database: another worker process, in effect. */
  openAnother(): Promise<Store>;
  close(): Promise<void>;
}

/** The store's engine matrix (test/support/engines.ts), as the delivery tests use it. */
export async function openTestDatabase(engine: Engine): Promise<TestDatabase> {
  const test = await openTestStore(engine);
  return {
    engine,
    store: test.store,
    openAnother: () => test.openAnother(),
    close: () => test.destroy(),
  };
}

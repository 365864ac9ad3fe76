/**
 * The engine matrix for store tests (STYLE.md, after Backstage: the same store tests run on every engine).
 *
 * @example
 * describe.each(engines)('TenantRepository (%s)', (engine) => {
 *   let t: TestStore;
 *   beforeAll(async () => { t = await openTestStore(engine); });
 *   afterAll(() => t.destroy());
 *   it('...', async () => { await t.store.transaction(...) });
 * });
 *
 * PostgreSQL: connects to RATCHET_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres),
 * creates a fresh database per `openTestStore` and drops it in `destroy`. When PostgreSQL is unreachable
 * the postgres cases are skipped with a printed reason, unless RATCHET_REQUIRE_POSTGRES=1 or CI=true:
 * then importing this module fails loudly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  adminQuery,
  createScratchDatabase,
  POSTGRES_ADMIN_URL,
  storeOptionsFor,
} from './scratch-postgres.js';
import { openStore } from '../../src/store/index.js';
import type { Engine, OpenStoreOptions, Store } from '../../src/store/index.js';

export type EngineCase = Engine;

const POSTGRES_REQUIRED = process.env['RATCHET_REQUIRE_POSTGRES'] === '1' || process.env['CI'] === 'true';

async function probePostgres(): Promise<string | null> {
  try {
    await adminQuery('select 1');
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

const postgresProblem = await probePostgres();
if (postgresProblem !== null) {
  const where = POSTGRES_ADMIN_URL.replace(/\/\/[^@]*@/, '//***@');
  if (POSTGRES_REQUIRED) {
    throw new Error(
      `PostgreSQL is required (RATCHET_REQUIRE_POSTGRES=1 or CI=true) but ${where} is unreachable: ${postgresProblem}`,
    );
  }
  console.warn(`Skipping PostgreSQL store tests: ${where} is unreachable (${postgresProblem}).`);
}

/** The engines to run store tests on: SQLite always, PostgreSQL when reachable. */
export const engines: EngineCase[] = postgresProblem === null ? ['sqlite', 'postgres'] : ['sqlite'];

export interface TestStore {
  engine: EngineCase;
  store: Store;
  /** Another Store on the same database (a second pool, as a second `ratchet serve` process has). */
  openAnother(options?: Pick<OpenStoreOptions, 'now' | 'secretKey'>): Promise<Store>;
  /** Closes every store opened here and deletes the database. */
  destroy(): Promise<void>;
}

/** A fresh, migrated, empty store on `engine`. */
export async function openTestStore(
  engine: EngineCase,
  options: Pick<OpenStoreOptions, 'now'> = {},
): Promise<TestStore> {
  const opened: Store[] = [];
  let location: OpenStoreOptions;
  let cleanup: () => Promise<void>;
  if (engine === 'sqlite') {
    const dataDir = mkdtempSync(join(tmpdir(), 'ratchet-test-'));
    location = { dataDir, databaseUrl: '' };
    cleanup = () => Promise.resolve(rmSync(dataDir, { recursive: true, force: true }));
  } else {
    const database = await createScratchDatabase('ratchet_test');
    location = storeOptionsFor(database);
    cleanup = database.drop;
  }
  async function open(extra: Pick<OpenStoreOptions, 'now' | 'secretKey'>): Promise<Store> {
    const store = await openStore({ ...location, ...extra });
    opened.push(store);
    return store;
  }
  const store = await open(options);
  return {
    engine,
    store,
    openAnother: (extra = {}) => open(extra),
    async destroy() {
      await Promise.all(opened.map((s) => s.close()));
      await cleanup();
    },
  };
}

/** Runs `fn` on a fresh store and always destroys it. */
export async function withStore<T>(engine: EngineCase, fn: (store: Store) => Promise<T>): Promise<T> {
  const test = await openTestStore(engine);
  try {
    return await fn(test.store);
  } finally {
    await test.destroy();
  }
}

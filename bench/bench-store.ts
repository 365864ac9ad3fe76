/**
 * A store of its own for one benchmark run: a temporary SQLite folder, or a scratch PostgreSQL
 * database on RATCHET_BENCH_DATABASE_URL's server (default: the local one), removed by `cleanup`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/store/index.js';
import type { Engine, Store } from '../src/store/index.js';
import { createScratchDatabase, POSTGRES_ADMIN_URL } from '../test/support/scratch-postgres.js';
import type { ScratchDatabase } from '../test/support/scratch-postgres.js';

const PG_ADMIN = process.env['RATCHET_BENCH_DATABASE_URL'] ?? POSTGRES_ADMIN_URL;

export interface BenchStore {
  engine: Engine;
  store: Store;
  /** PostgreSQL only: the scratch database, for connections of the benchmark's own. */
  databaseUrl?: string;
  /** Closes the store and removes its folder or database. */
  cleanup: () => Promise<void>;
}

/**
 * `name` prefixes the folder or database (`ratchet_bench_<name>`). Null, with a warning, when no
 * PostgreSQL server takes a new database: the benchmark reports SQLite alone.
 */
export async function openBenchStore(
  engine: Engine,
  name: string,
  options: { poolSize?: number } = {},
): Promise<BenchStore | null> {
  if (engine === 'sqlite') {
    const dataDir = mkdtempSync(join(tmpdir(), `ratchet-bench-${name}-`));
    const store = await openStore({ dataDir });
    return {
      engine,
      store,
      cleanup: async () => {
        await store.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  let database: ScratchDatabase;
  try {
    database = await createScratchDatabase(`ratchet_bench_${name}`, PG_ADMIN);
  } catch (error) {
    console.warn(`PostgreSQL skipped: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
  const store = await openStore({
    databaseUrl: database.url,
    ...(options.poolSize !== undefined ? { poolSize: options.poolSize } : {}),
  });
  return {
    engine,
    store,
    databaseUrl: database.url,
    cleanup: async () => {
      await store.close();
      await database.drop();
    },
  };
}

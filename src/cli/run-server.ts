/**
 * The long-running half of `ratchet serve` and `ratchet demo`: open the store, start the API, and
 * close both cleanly on SIGINT/SIGTERM. Server logs go to stderr as JSON lines, so stdout carries
 * only the startup announcement (one JSON document with --json).
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { pino } from 'pino';
import { InputError } from '../domain/errors/index.js';
import type { Store } from '../store/index.js';
import { lockDataDir } from '../store/data-dir-lock.js';
import type { DataDirLock } from '../store/data-dir-lock.js';

export interface RunServerOptions {
  port: number;
  host: string;
  dataDir?: string;
  databaseUrl?: string;
}

export interface RunningServer {
  url: string;
  store: Store;
}

/** Commander gives strings; a port outside 0..65535 is a usage error, not a crash. */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InputError(`--port must be a whole number from 0 to 65535, got "${value}".`, {
      remedy: 'Pass e.g. --port 8080 (0 picks a free port).',
    });
  }
  return port;
}

/**
 * Starts the server. `prepare` runs after the store is open and before the server listens (bootstrap
 * or seeding), so the first request already sees its result.
 */
export async function runServer<T>(
  options: RunServerOptions,
  prepare: (store: Store) => Promise<T>,
): Promise<RunningServer & { prepared: T }> {
  const [{ openStore }, { createLogger, startServer }] = await Promise.all([
    import('../store/index.js'),
    import('../api/index.js'),
  ]);
  // SQLite: one server per data directory (issue 8); PostgreSQL is shared by design.
  const databaseUrl = options.databaseUrl ?? process.env['RATCHET_DATABASE_URL'];
  let lock: DataDirLock | undefined;
  if (databaseUrl === undefined || databaseUrl === '') {
    const dataDir = resolve(options.dataDir ?? process.env['RATCHET_DATA_DIR'] ?? '.ratchet');
    mkdirSync(dataDir, { recursive: true });
    lock = lockDataDir(dataDir);
  }
  let store: Store;
  try {
    store = await openStore({
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    });
  } catch (error) {
    lock?.release();
    throw error;
  }
  let prepared: T;
  try {
    prepared = await prepare(store);
  } catch (error) {
    await store.close();
    lock?.release();
    throw error;
  }
  const logger = createLogger({ destination: pino.destination(2) });
  const { app, url } = await startServer({ store, logger, port: options.port, host: options.host }).catch(
    async (error: unknown) => {
      await store.close();
      lock?.release();
      if ((error as { code?: string }).code === 'EADDRINUSE') {
        throw new InputError(`Port ${options.port} on ${options.host} is already in use.`, {
          remedy: 'Stop the other process or pass another --port.',
        });
      }
      throw error;
    },
  );
  const shutdown = (): void => {
    void app
      .close()
      .then(() => store.close())
      .finally(() => {
        lock?.release();
        process.exit(0);
      });
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  return { url, store, prepared };
}

/**
 * The long-running half of `ratchet serve` and `ratchet demo`: open the store, start the API, and
 * close both cleanly on SIGINT/SIGTERM. Server logs go to stderr as JSON lines, so stdout carries
 * only the startup announcement (one JSON document with --json).
 */
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { InputError } from '../domain/errors/index.js';
import type { Store } from '../store/index.js';
import { lockDataDir } from '../store/data-dir-lock.js';
import type { DataDirLock } from '../store/data-dir-lock.js';

export interface RunServerOptions {
  port: number;
  host: string;
  dataDir?: string;
  databaseUrl?: string;
  /** The store's clock (the demo sets it to past moments while it seeds its history). */
  now?: () => Date;
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

function portInUse(host: string, port: number): InputError {
  return new InputError(`Port ${String(port)} on ${host} is already in use.`, {
    remedy: 'Stop the other process (an earlier `ratchet demo` or `serve`?) or pass another --port.',
  });
}

/**
 * Refuses a port another process listens on. `ratchet demo` asks before it touches its data
 * directory, so a second demo started by mistake leaves the running one's database alone.
 */
export async function ensurePortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolvePromise, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? portInUse(host, port) : error);
    });
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolvePromise()));
  });
}

/**
 * `RATCHET_BODY_LIMIT`: the largest request body `serve` and `demo` accept, in bytes; a larger one
 * is answered 413. Unset or empty keeps the API's default (1 MiB); anything but a positive whole
 * number of bytes is a usage error, so a typo never silently falls back to the default. The
 * OpenLineage route keeps its own larger limit for event batches.
 *
 * @example
 * parseBodyLimit(process.env['RATCHET_BODY_LIMIT']); // '4194304' -> 4194304, undefined -> undefined
 */
export function parseBodyLimit(value: string | undefined): number | undefined {
  const text = value?.trim() ?? '';
  if (text === '') return undefined;
  // Digits only: Number() would also take '1e6', '0x10' or '1.0' and hide a typo.
  const bytes = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new InputError(`RATCHET_BODY_LIMIT must be a whole number of bytes above 0, got "${value}".`, {
      remedy: 'Unset it for the 1 MiB default, or pass e.g. RATCHET_BODY_LIMIT=4194304 for 4 MiB.',
    });
  }
  return bytes;
}

/**
 * Starts the server. `prepare` runs after the store is open and before the server listens (bootstrap
 * or seeding), so the first request already sees its result.
 */
export async function runServer<T>(
  options: RunServerOptions,
  prepare: (store: Store) => Promise<T>,
): Promise<RunningServer & { prepared: T }> {
  // Refused before the store opens: a bad environment leaves nothing behind.
  const bodyLimit = parseBodyLimit(process.env['RATCHET_BODY_LIMIT']);
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
      ...(options.now ? { now: options.now } : {}),
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
  // pino is loaded when a server starts, not by every `ratchet` command that imports this file.
  const { pino } = await import('pino');
  const logger = createLogger({ destination: pino.destination(2) });
  const { app, url } = await startServer({
    store,
    logger,
    port: options.port,
    host: options.host,
    ...(bodyLimit !== undefined ? { bodyLimit } : {}),
  }).catch(async (error: unknown) => {
    await store.close();
    lock?.release();
    if ((error as { code?: string }).code === 'EADDRINUSE') throw portInUse(options.host, options.port);
    throw error;
  });
  // A refused delivery configuration must not leave a listening server behind a failed command.
  const delivery = await startDelivery(store, logger).catch(async (error: unknown) => {
    await app.close();
    await store.close();
    lock?.release();
    throw error;
  });
  const slaClock = await startSlaClock(store, logger);
  void resumeDeployments(store, logger);
  const shutdown = (): void => {
    void app
      .close()
      .then(() => clearInterval(slaClock))
      .then(() => delivery?.stop())
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

/**
 * Delivers the outbox (notifications every workflow enqueues in its own transaction) from the
 * server process. `RATCHET_DELIVERY=off` leaves it to another process (several `serve`s on one
 * PostgreSQL database may all run it: claims use FOR UPDATE SKIP LOCKED).
 */
export async function startDelivery(
  store: Store,
  logger: { info(object: object, message: string): void; warn(object: object, message: string): void },
): Promise<{ stop(): Promise<void> } | null> {
  if (process.env['RATCHET_DELIVERY'] === 'off') return null;
  const { channelsFromEnvironment, createOutboxRepository, startDeliveryWorker } =
    await import('../delivery/index.js');
  const { channels, summary } = channelsFromEnvironment();
  if (Object.keys(channels).length === 0) {
    // Nothing to deliver through (a plain `ratchet serve`): the outbox keeps every message pending
    // until a channel is configured and the server restarts, rather than refusing to start.
    logger.warn({ channels: summary }, 'delivery worker not started: no notification channel configured');
    return null;
  }
  logger.info({ channels: summary }, 'delivery worker started');
  const outbox = createOutboxRepository({ db: store.db, engine: store.engine, now: store.now });
  const leaseMs = deliveryLeaseMs(process.env['RATCHET_DELIVERY_LEASE_MS']);
  const worker = startDeliveryWorker({
    outbox,
    channels,
    pollMs: 1000,
    ...(leaseMs !== undefined ? { leaseMs } : {}),
    onEvent: (event) => {
      if (event.type === 'failed')
        logger.warn({ entry: event.entry.id, error: event.error }, 'delivery parked as failed');
    },
  });
  return { stop: () => worker.stop() };
}

/**
 * `RATCHET_DELIVERY_LEASE_MS`: how long a claimed delivery stays with its worker (default 5 min).
 * After a crash between send and mark, the row is sent again only once this lease has run out, so
 * a shorter lease resumes sooner; it must still exceed the slowest channel timeout (webhook 10 s,
 * SMTP 30 s), or a live worker's slow send may be duplicated by another.
 */
function deliveryLeaseMs(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const leaseMs = Number(value);
  if (!Number.isInteger(leaseMs) || leaseMs < 1000) {
    throw new InputError(
      `RATCHET_DELIVERY_LEASE_MS must be a whole number of at least 1000, got "${value}".`,
      {
        remedy:
          'Unset it for the 5-minute default, or pass e.g. 60000 (longer than the slowest channel timeout).',
      },
    );
  }
  return leaseMs;
}

/**
 * Image revisions left pending by a crash between a step's commit and its deployer hand-off
 * (issue 4, "Deployers"): handed off again in the background; webhook ones still waiting for their
 * callback are listed in the log.
 */
async function resumeDeployments(
  store: Store,
  logger: { info(object: object, message: string): void; warn(object: object, message: string): void },
): Promise<void> {
  const { resumePendingDeployments } = await import('../workflows/deployers/index.js');
  try {
    const report = await resumePendingDeployments(store);
    if (report.resumed.length > 0 || report.awaitingCallback.length > 0)
      logger.info(
        { resumed: report.resumed, awaitingCallback: report.awaitingCallback },
        'pending image deployments resumed',
      );
    if (report.failed.length > 0)
      logger.warn(
        { failed: report.failed },
        'pending image deployments could not be handed off; deploy confirm|fail them by hand',
      );
  } catch (error) {
    logger.warn({ error: String(error) }, 'resuming pending image deployments failed');
  }
}

/**
 * Checks defect SLA clocks once a minute and notifies the provider on-call group of each new
 * breach (idempotent per breach, so several servers may all run it).
 */
export async function startSlaClock(
  store: Store,
  logger: { warn(object: object, message: string): void },
): Promise<NodeJS.Timeout> {
  const { checkSlaBreaches } = await import('../workflows/defects/sla.js');
  const timer = setInterval(() => {
    checkSlaBreaches(store).catch((error: unknown) =>
      logger.warn({ error: String(error) }, 'SLA check failed'),
    );
  }, 60_000);
  timer.unref();
  return timer;
}

export interface RunningWorker {
  channels: string[];
  store: Store;
}

/**
 * `ratchet worker`: the outbox delivery and the SLA clock without the API, for a PostgreSQL
 * deployment that runs its servers with `RATCHET_DELIVERY=off` (issue 8: "two servers and a worker").
 * SQLite allows one process per data directory, and there `ratchet serve` delivers itself.
 */
export async function runWorker(options: { databaseUrl?: string }): Promise<RunningWorker> {
  const databaseUrl = options.databaseUrl ?? process.env['RATCHET_DATABASE_URL'];
  if (databaseUrl === undefined || databaseUrl === '') {
    throw new InputError(
      'A separate worker needs PostgreSQL: SQLite allows one Ratchet process per data directory.',
      {
        remedy:
          'Pass --database-url postgres://... (or RATCHET_DATABASE_URL); on SQLite, `ratchet serve` delivers notifications itself.',
      },
    );
  }
  if (process.env['RATCHET_DELIVERY'] === 'off') {
    throw new InputError('RATCHET_DELIVERY=off leaves a worker nothing to do.', {
      remedy: 'Unset RATCHET_DELIVERY for the worker (keep it off on the servers).',
    });
  }
  const { openStore } = await import('../store/index.js');
  const { channelsFromEnvironment } = await import('../delivery/index.js');
  const { channels } = channelsFromEnvironment();
  if (Object.keys(channels).length === 0) {
    throw new InputError('No notification channel is configured, so a worker would deliver nothing.', {
      remedy: 'Set RATCHET_ONCALL_WEBHOOK_URL, RATCHET_SMTP_URL or another channel (README, Configuration).',
    });
  }
  const store = await openStore({ databaseUrl });
  const { pino } = await import('pino');
  const logger = pino({ level: process.env['RATCHET_LOG_LEVEL'] ?? 'info' }, pino.destination(2));
  const delivery = await startDelivery(store, logger).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  const slaClock = await startSlaClock(store, logger);
  const shutdown = (): void => {
    clearInterval(slaClock);
    void Promise.resolve(delivery?.stop())
      .then(() => store.close())
      .finally(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  return { channels: Object.keys(channels).sort(), store };
}

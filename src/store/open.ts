import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { AuditChainResult } from '../domain/audit/index.js';
import { InputError } from '../domain/errors/index.js';
import { verifyAuditChain } from './audit-chain.js';
import { isRetryableTransactionFailure } from './driver-errors.js';
import { migrateToLatest } from './migrations/index.js';
import { openSecretBox } from './secret-box.js';
import type { SecretBox } from './secret-box.js';
import { createWriterLock, sqliteWriterLock } from './writer-lock.js';
import type { WriterLock } from './writer-lock.js';
import { createRepositories } from './repositories/index.js';
import type { Database, Db, Engine, OpenStoreOptions, Repositories, Store } from './types.js';

/** Any constant: the key of the PostgreSQL advisory lock that serializes writers (see `transaction`). */
const WRITER_LOCK_KEY = 7_261_626;
const MAX_TRANSACTION_ATTEMPTS = 5;
const SQLITE_BUSY_TIMEOUT_MS = 10_000;

interface Connection {
  engine: Engine;
  db: Db;
  writerLock: WriterLock;
  /** SQLite only: the data directory (it may hold the secret key file). */
  dataDir?: string;
}

function isPostgresUrl(url: string): boolean {
  return url.startsWith('postgres://') || url.startsWith('postgresql://');
}

function connectSqlite(file: string): Connection {
  const database = new BetterSqlite3(file);
  // WAL lets readers run beside the one writer; synchronous=FULL makes a commit survive power loss,
  // which an audit log promises. busy_timeout makes a second process wait for the writer, not fail.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  return {
    engine: 'sqlite',
    db: new Kysely<Database>({ dialect: new SqliteDialect({ database }) }),
    writerLock: sqliteWriterLock(file),
  };
}

function connectPostgres(url: string, poolSize: number): Connection {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client can lose its server (restart, dropped test database); pg emits 'error' on the pool,
  // which would crash the process if nobody listened. The next query reconnects.
  pool.on('error', () => undefined);
  // The advisory lock does the serializing; the in-process lock only spares pool connections from
  // queueing on it.
  return {
    engine: 'postgres',
    db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }),
    writerLock: createWriterLock(),
  };
}

function connect(options: OpenStoreOptions): Connection {
  const url = options.databaseUrl ?? process.env['RATCHET_DATABASE_URL'];
  if (url !== undefined && url !== '') {
    if (isPostgresUrl(url)) return connectPostgres(url, options.poolSize ?? 5);
    throw new InputError(`Unsupported database URL "${url.replace(/\/\/[^@]*@/, '//***@')}".`, {
      remedy:
        'Pass a postgres://user@host:port/database URL, or leave it unset to use SQLite in the data directory.',
    });
  }
  const dataDir = resolve(options.dataDir ?? process.env['RATCHET_DATA_DIR'] ?? '.ratchet');
  mkdirSync(dataDir, { recursive: true });
  return { ...connectSqlite(join(dataDir, 'ratchet.sqlite')), dataDir };
}

/**
 * Opens the store and applies pending migrations.
 *
 * @example
 * const store = await openStore({ dataDir: './.ratchet' });            // SQLite file
 * const shared = await openStore({ databaseUrl: 'postgres://...' });  // several processes
 */
export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  const { engine, db, writerLock, dataDir } = connect(options);
  const clock = options.now ?? (() => new Date());
  const nowIso = (): string => clock().toISOString();
  let secrets: SecretBox;
  try {
    secrets = openSecretBox({
      ...(options.secretKey !== undefined ? { secretKey: options.secretKey } : {}),
      ...(dataDir !== undefined ? { dataDir } : {}),
    });
    await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }

  const repos = createRepositories({ db, engine, now: nowIso, inTransaction: false });

  async function runOnce<T>(fn: (tx: Repositories) => Promise<T>): Promise<T> {
    // One dedicated connection for the whole transaction; `writerLock` queues this process's writers
    // (per file on SQLite, see writer-lock.ts). BEGIN IMMEDIATE
    // takes the database write lock up front so another process waits (busy_timeout) instead of
    // failing at commit. On PostgreSQL every writer takes one advisory lock first: all writes append to
    // the single audit hash chain, which is inherently serial, so we serialize writers exactly as SQLite
    // does. READ COMMITTED after the lock sees every earlier commit, so read-check-write is safe.
    return db.connection().execute(async (conn) => {
      if (engine === 'sqlite') {
        await sql`begin immediate`.execute(conn);
      } else {
        await sql`begin isolation level read committed`.execute(conn);
        await sql`select pg_advisory_xact_lock(${WRITER_LOCK_KEY})`.execute(conn);
      }
      try {
        const result = await fn(createRepositories({ db: conn, engine, now: nowIso, inTransaction: true }));
        await sql`commit`.execute(conn);
        return result;
      } catch (error) {
        await sql`rollback`.execute(conn);
        throw error;
      }
    });
  }

  return {
    engine,
    db,
    repos,
    secrets,
    now: clock,
    async transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        try {
          return await writerLock.run(() => runOnce(fn));
        } catch (error) {
          if (attempt >= MAX_TRANSACTION_ATTEMPTS || !isRetryableTransactionFailure(error)) throw error;
        }
      }
    },
    verifyAuditChain(): Promise<AuditChainResult> {
      return verifyAuditChain(repos);
    },
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
  };
}

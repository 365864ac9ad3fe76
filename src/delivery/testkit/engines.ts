import { randomBytes } from 'node:crypto';

import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';

import type { Engine } from '../../store/types.js';
import { outboxMigration } from '../outbox/migration.js';
import type { OutboxTables } from '../outbox/types.js';

/** The server the tests use; each test file gets its own throwaway database on it. */
const POSTGRES_URL = process.env.RATCHET_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  engine: Engine;
  db: Kysely<OutboxTables>;
  /** A second, independent handle on the same database (another worker process, in effect). */
  openAnother(): Kysely<OutboxTables>;
  close(): Promise<void>;
}

export const engines: Engine[] = ['sqlite', 'postgres'];

async function openPostgres(): Promise<TestDatabase> {
  const name = `ratchet_delivery_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  const handles: Kysely<OutboxTables>[] = [];
  function open(): Kysely<OutboxTables> {
    const db = new Kysely<OutboxTables>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url.toString(), max: 4 }) }),
    });
    handles.push(db);
    return db;
  }
  const db = open();
  await outboxMigration.up(db);
  return {
    engine: 'postgres',
    db,
    openAnother: open,
    async close() {
      await Promise.all(handles.map((handle) => handle.destroy()));
      const cleanup = new pg.Client({ connectionString: POSTGRES_URL });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}

async function openSqlite(): Promise<TestDatabase> {
  const sqlite = new SqliteDatabase(':memory:');
  const db = new Kysely<OutboxTables>({ dialect: new SqliteDialect({ database: sqlite }) });
  await outboxMigration.up(db);
  return {
    engine: 'sqlite',
    db,
    // One in-memory database has one connection; a second Kysely on it shares the single writer.
    openAnother: () => new Kysely<OutboxTables>({ dialect: new SqliteDialect({ database: sqlite }) }),
    async close() {
      await db.destroy();
    },
  };
}

export function openTestDatabase(engine: Engine): Promise<TestDatabase> {
  return engine === 'postgres' ? openPostgres() : openSqlite();
}

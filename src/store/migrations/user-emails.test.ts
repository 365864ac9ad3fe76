/**
 * Migration 0010 (issue 13): emails become lower-case and unique per tenant and among provider users,
 * on a database that already holds users, on both engines.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { engines } from '../../../test/support/engines.js';
import { createScratchDatabase } from '../../../test/support/scratch-postgres.js';
import { isUniqueViolation } from '../driver-errors.js';
import { MIGRATIONS } from './index.js';

const BEFORE = Object.fromEntries(Object.entries(MIGRATIONS).filter(([name]) => name < '0010'));

describe.each(engines)('migration 0010-user-emails (%s)', (engine) => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
  });

  async function databaseAt(migrations: typeof MIGRATIONS): Promise<Kysely<unknown>> {
    let db: Kysely<unknown>;
    if (engine === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'ratchet-migration-'));
      const database = new BetterSqlite3(join(dir, 'ratchet.sqlite'));
      database.pragma('foreign_keys = ON');
      db = new Kysely<unknown>({ dialect: new SqliteDialect({ database }) });
      cleanup = async () => {
        await db.destroy();
        rmSync(dir, { recursive: true, force: true });
      };
    } else {
      const scratch = await createScratchDatabase('ratchet_migration');
      db = new Kysely<unknown>({
        dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: scratch.url, max: 2 }) }),
      });
      cleanup = async () => {
        await db.destroy();
        await scratch.drop();
      };
    }
    await migrate(db, migrations);
    const at = '2025-01-01T00:00:00Z';
    for (const id of ['t1', 't2']) {
      await sql`insert into tenants (id, slug, name, version, created_at, updated_at)
        values (${id}, ${id}, ${id}, 1, ${at}, ${at})`.execute(db);
    }
    return db;
  }

  async function migrate(db: Kysely<unknown>, migrations: typeof MIGRATIONS): Promise<void> {
    const { error } = await new Migrator({
      db,
      provider: { getMigrations: () => Promise.resolve({ ...migrations }) },
    }).migrateToLatest();
    if (error !== undefined) throw error;
  }

  async function addUser(
    db: Kysely<unknown>,
    id: string,
    tenant: string | null,
    email: string,
  ): Promise<void> {
    await sql`insert into users (id, name, email, role, tenant_id, version, created_at)
      values (${id}, ${id}, ${email}, ${tenant === null ? 'provider-engineer' : 'customer-member'}, ${tenant}, 1, '2025-01-01')`.execute(
      db,
    );
  }

  async function refused(work: Promise<void>): Promise<boolean> {
    try {
      await work;
      return false;
    } catch (error) {
      if (isUniqueViolation(error)) return true;
      throw error;
    }
  }

  it('lower-cases existing addresses and makes them unique per tenant and among provider users', async () => {
    const db = await databaseAt(BEFORE);
    await addUser(db, 'u1', 't1', ' Bea@Acme.Example');
    await addUser(db, 'p1', null, 'Pete@Provider.Example');
    await migrate(db, MIGRATIONS);

    const rows = await sql<{ id: string; email: string }>`select id, email from users order by id`.execute(
      db,
    );
    expect(rows.rows).toEqual([
      { id: 'p1', email: 'pete@provider.example' },
      { id: 'u1', email: 'bea@acme.example' },
    ]);
    // Another tenant may hold the same address; the same tenant may not, in any case.
    await addUser(db, 'u2', 't2', 'bea@acme.example');
    expect(await refused(addUser(db, 'u3', 't1', 'BEA@acme.example'))).toBe(true);
    expect(await refused(addUser(db, 'p2', null, 'PETE@provider.example'))).toBe(true);
    // A provider user and a customer user are different scopes.
    await addUser(db, 'u4', 't1', 'pete@provider.example');
    // The rebuilt table (SQLite) still enforces its foreign key to tenants.
    await expect(addUser(db, 'u5', 't9', 'nobody@x.example')).rejects.toThrow(/foreign key/i);
  });

  it('stops and names the users when lower-casing makes two of one tenant share an address', async () => {
    const db = await databaseAt(BEFORE);
    await addUser(db, 'u1', 't1', 'ana@acme.example');
    await addUser(db, 'u2', 't1', 'ANA@acme.example');
    await expect(migrate(db, MIGRATIONS)).rejects.toThrow(/ana@acme\.example \(users u1, u2\)/);
  });
});

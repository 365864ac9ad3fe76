import { SqliteAdapter, sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * Emails unique per tenant, and among provider users, compared lower-case (issue 13). 0001 made them
 * unique across all tenants and case-sensitive: a tenant admin learned from a 409 that an address
 * existed elsewhere, could take another tenant's address first, and `BEA@` sat beside `bea@`.
 *
 * Existing addresses are lower-cased. If that makes two users of one scope share an address the
 * migration stops and names them: which of the two keeps it is a person's decision.
 */
export const userEmails: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const clashes = await sql<{ scope: string | null; email: string; ids: string }>`
      select tenant_id as scope, lower(trim(email)) as email, count(*) as n, min(id) || ', ' || max(id) as ids
      from users where email is not null
      group by tenant_id, lower(trim(email)) having count(*) > 1`.execute(db);
    if (clashes.rows.length > 0) {
      const list = clashes.rows.map((row) => `${row.email} (users ${row.ids})`).join('; ');
      throw new Error(
        `These users of one tenant share an email address once compared case-insensitively: ${list}. ` +
          'Change or clear one of each pair, then start Ratchet again.',
      );
    }
    await sql`update users set email = lower(trim(email)) where email is not null`.execute(db);
    if (isSqlite(db)) await rebuildSqliteUsersWithoutGlobalUnique(db);
    else await sql`alter table users drop constraint if exists users_email_key`.execute(db);
    // NULL tenant (provider users) is one scope of its own: coalesce, since NULLs never collide.
    await sql`create unique index users_email_per_tenant_unique
      on users ((coalesce(tenant_id, '')), (lower(email))) where email is not null`.execute(db);
  },
};

// Not a probe query: a failing statement would abort PostgreSQL's migration transaction.
function isSqlite(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}

/**
 * SQLite cannot drop a column's inline UNIQUE: the table is rebuilt (sqlite.org/lang_altertable.html,
 * "other kinds of table schema changes"). Kysely runs SQLite migrations outside a transaction, so
 * foreign keys can be switched off around the swap and checked after it.
 */
async function rebuildSqliteUsersWithoutGlobalUnique(db: Kysely<unknown>): Promise<void> {
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await sql`begin`.execute(db);
    await sql`create table users_rebuilt (
      id text primary key,
      name text not null,
      email text,
      role text not null,
      tenant_id text references tenants (id),
      version integer not null,
      created_at text not null
    )`.execute(db);
    await sql`insert into users_rebuilt (id, name, email, role, tenant_id, version, created_at)
      select id, name, email, role, tenant_id, version, created_at from users`.execute(db);
    await sql`drop table users`.execute(db);
    await sql`alter table users_rebuilt rename to users`.execute(db);
    const broken = await sql`pragma foreign_key_check`.execute(db);
    if (broken.rows.length > 0) throw new Error('Rebuilding users broke a foreign key; nothing was changed.');
    await sql`commit`.execute(db);
  } catch (error) {
    await sql`rollback`.execute(db).catch(() => undefined);
    throw error;
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}

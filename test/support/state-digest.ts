/**
 * Rows per table (every table the store has) and the audit log's count of changes: equal before and
 * after a corpus means the corpus wrote nothing. A refused write leaves exactly one trace, its
 * `request.refused` audit entry, which is not a state change.
 */
import { sql } from 'kysely';
import type { Store } from '../../src/store/index.js';
import { auditCounts } from './audit.js';

export async function stateDigest(store: Store): Promise<Record<string, number>> {
  const tables =
    store.engine === 'sqlite'
      ? await sql<{
          name: string;
        }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(store.db)
      : await sql<{
          name: string;
        }>`select table_name as name from information_schema.tables where table_schema = 'public'`.execute(
          store.db,
        );
  const digest: Record<string, number> = {};
  for (const { name } of tables.rows) {
    const count = await sql<{ n: number }>`select count(*) as n from ${sql.table(name)}`.execute(store.db);
    digest[name] = Number(count.rows[0]?.n ?? 0);
  }
  digest['audit_log'] = (await auditCounts(store)).changes;
  return digest;
}

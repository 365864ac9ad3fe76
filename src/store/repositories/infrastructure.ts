import type { InfrastructureChangesTable } from '../tables/platform.js';
import type { InfrastructureChangeRepository } from '../types.js';
import type { RepositoryContext } from './context.js';
import { staleRow } from './context.js';

/** Planned infrastructure changes and their sign-offs (issue 13). Rows; the workflow shapes them. */
export function infrastructureChangeRepository({ db }: RepositoryContext): InfrastructureChangeRepository {
  return {
    async get(id) {
      const row = await db
        .selectFrom('infrastructure_changes')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row ?? null;
    },
    async list(filter = {}) {
      let query = db.selectFrom('infrastructure_changes').selectAll().orderBy('window_start').orderBy('id');
      if (filter.tenantId !== undefined) query = query.where('tenant_id', '=', filter.tenantId);
      if (filter.state !== undefined) query = query.where('state', '=', filter.state);
      return query.execute();
    },
    async signoffsOf(changeIds) {
      if (changeIds.length === 0) return [];
      return db
        .selectFrom('infrastructure_signoffs')
        .selectAll()
        .where('change_id', 'in', changeIds)
        .orderBy('created_at')
        .execute();
    },
    async insert(row: InfrastructureChangesTable) {
      await db.insertInto('infrastructure_changes').values(row).execute();
    },
    async insertSignoff(row) {
      await db.insertInto('infrastructure_signoffs').values(row).execute();
    },
    async markApplied(id, expectedVersion, appliedBy, at) {
      const updated = await db
        .updateTable('infrastructure_changes')
        .set({
          state: 'applied',
          applied_by: appliedBy,
          applied_at: at,
          updated_at: at,
          version: expectedVersion + 1,
        })
        .where('id', '=', id)
        .where('version', '=', expectedVersion)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) throw staleRow('Infrastructure change', id, expectedVersion);
    },
  };
}

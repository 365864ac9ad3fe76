import type { ImageChangeRepository } from '../types.js';
import type { RepositoryContext } from './context.js';
import { staleRow } from './context.js';

/**
 * The image workflow's tables (issue 4): image changes (upgrades and rollback requests), rollback
 * pins and forward-fix follow-ups, as rows. workflows/image/repository.ts maps them to records.
 */
export function imageChangeRepository({ db, now }: RepositoryContext): ImageChangeRepository {
  return {
    async get(id) {
      const row = await db.selectFrom('image_changes').selectAll().where('id', '=', id).executeTakeFirst();
      return row ?? null;
    },
    async insert(row) {
      await db.insertInto('image_changes').values(row).execute();
    },
    async update(id, expectedVersion, values) {
      const result = await db
        .updateTable('image_changes')
        .set({ ...values, version: expectedVersion + 1 })
        .where('id', '=', id)
        .where('version', '=', expectedVersion)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) throw staleRow('Image change', id, expectedVersion);
    },
    async list(filter) {
      let query = db.selectFrom('image_changes').selectAll();
      if (filter.instanceId !== undefined) query = query.where('instance_id', '=', filter.instanceId);
      if (filter.tenantId !== undefined) query = query.where('tenant_id', '=', filter.tenantId);
      if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
      return query.orderBy('created_at').orderBy('id').execute();
    },
    async listNotIn(states, exceptId) {
      let query = db
        .selectFrom('image_changes')
        .selectAll()
        .where('state', 'not in', [...states]);
      if (exceptId !== undefined) query = query.where('id', '!=', exceptId);
      return query.orderBy('created_at').execute();
    },
    async insertPin(row) {
      await db.insertInto('rollback_pins').values(row).execute();
    },
    async activePins(instanceId, at) {
      return db
        .selectFrom('rollback_pins')
        .selectAll()
        .where('instance_id', '=', instanceId)
        .where('expires_at', '>', at)
        .orderBy('created_at')
        .execute();
    },
    async listPins(instanceId) {
      return db
        .selectFrom('rollback_pins')
        .selectAll()
        .where('instance_id', '=', instanceId)
        .orderBy('created_at')
        .execute();
    },
    async insertFollowUp(row) {
      await db.insertInto('forward_fix_follow_ups').values(row).execute();
    },
    async listFollowUps(instanceId, status) {
      let query = db.selectFrom('forward_fix_follow_ups').selectAll().where('instance_id', '=', instanceId);
      if (status !== undefined) query = query.where('status', '=', status);
      return query.orderBy('created_at').execute();
    },
    async closeFollowUp(id) {
      await db
        .updateTable('forward_fix_follow_ups')
        .set({ status: 'closed', closed_at: now() })
        .where('id', '=', id)
        .where('status', '=', 'open')
        .execute();
    },
    async countRows() {
      let total = 0;
      for (const table of [
        'image_changes',
        'rollback_pins',
        'forward_fix_follow_ups',
        'image_sources',
      ] as const) {
        const row = await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        total += Number(row.n);
      }
      return total;
    },
  };
}

import { ConflictError } from '../../domain/errors/index.js';
import type { Revision } from '../../domain/revisions/index.js';
import { canonicalJson } from '../../domain/audit/index.js';
import { isUniqueViolation } from '../driver-errors.js';
import type { RevisionRepository, RevisionsTable } from '../types.js';
import type { RepositoryContext } from './context.js';
import { newId, staleRow } from './context.js';

function toRevision(row: RevisionsTable): Revision {
  return {
    id: row.id,
    instanceId: row.instance_id,
    tenantId: row.tenant_id,
    layer: row.layer,
    number: row.number,
    status: row.status,
    actorUserId: row.actor_user_id,
    actorRole: row.actor_role,
    reason: row.reason,
    content: JSON.parse(row.content) as Revision['content'],
    rollbackOf: row.rollback_of,
    createdAt: row.created_at,
    statusChangedAt: row.status_changed_at,
    version: row.version,
  };
}

export function revisionRepository({ db, now }: RepositoryContext): RevisionRepository {
  async function getById(id: string): Promise<Revision | null> {
    const row = await db.selectFrom('revisions').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? null : toRevision(row);
  }

  return {
    async append(input, expectedLatest) {
      const row: RevisionsTable = {
        id: newId('rev'),
        instance_id: input.instanceId,
        tenant_id: input.tenantId,
        layer: input.layer,
        number: expectedLatest + 1,
        status: 'pending',
        actor_user_id: input.actorUserId,
        actor_role: input.actorRole,
        reason: input.reason,
        content: canonicalJson(input.content),
        rollback_of: input.rollbackOf,
        created_at: now(),
        status_changed_at: null,
        version: 1,
      };
      try {
        await db.insertInto('revisions').values(row).execute();
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new ConflictError(
          `Revision ${row.number} of the ${input.layer} layer was recorded by someone else first; reload and retry.`,
          {
            remedy: 'Reload the revisions, check what changed, and record yours on top.',
            extra: { number: row.number },
          },
        );
      }
      return toRevision(row);
    },
    async get(instanceId, layer, number) {
      const row = await db
        .selectFrom('revisions')
        .selectAll()
        .where('instance_id', '=', instanceId)
        .where('layer', '=', layer)
        .where('number', '=', number)
        .executeTakeFirst();
      return row === undefined ? null : toRevision(row);
    },
    async latestNumber(instanceId, layer) {
      const row = await db
        .selectFrom('revisions')
        .select((eb) => eb.fn.max('number').as('latest'))
        .where('instance_id', '=', instanceId)
        .where('layer', '=', layer)
        .executeTakeFirst();
      return row?.latest === null || row?.latest === undefined ? 0 : Number(row.latest);
    },
    async list(instanceId, layer) {
      let query = db.selectFrom('revisions').selectAll().where('instance_id', '=', instanceId);
      if (layer !== undefined) query = query.where('layer', '=', layer);
      const rows = await query.orderBy('layer').orderBy('number').execute();
      return rows.map(toRevision);
    },
    async current(instanceId, layer) {
      // The current revision is the last deployed one (domain/revisions currentOf).
      const row = await db
        .selectFrom('revisions')
        .selectAll()
        .where('instance_id', '=', instanceId)
        .where('layer', '=', layer)
        .where('status', '=', 'deployed')
        .orderBy('number', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row === undefined ? null : toRevision(row);
    },
    async setStatus(id, expectedVersion, status, at) {
      const result = await db
        .updateTable('revisions')
        .set({ status, status_changed_at: at ?? now(), version: expectedVersion + 1 })
        .where('id', '=', id)
        .where('version', '=', expectedVersion)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw staleRow('Revision', id, expectedVersion);
      return (await getById(id))!;
    },
    async count() {
      const row = await db
        .selectFrom('revisions')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}

import type { ImageSourceRepository } from '../types.js';
import type { RepositoryContext } from './context.js';

/** The package source each instance's image is planned against (issue 4). */
export function imageSourceRepository({ db }: RepositoryContext): ImageSourceRepository {
  return {
    async get(instanceId) {
      const row = await db
        .selectFrom('image_sources')
        .selectAll()
        .where('instance_id', '=', instanceId)
        .executeTakeFirst();
      return row ?? null;
    },
    async set(input) {
      const existing = await db
        .selectFrom('image_sources')
        .selectAll()
        .where('instance_id', '=', input.instanceId)
        .executeTakeFirst();
      if (existing === undefined) {
        await db
          .insertInto('image_sources')
          .values({
            instance_id: input.instanceId,
            tenant_id: input.tenantId,
            source: input.source,
            updated_at: input.at,
            version: 1,
          })
          .execute();
        return { before: null };
      }
      await db
        .updateTable('image_sources')
        .set({ source: input.source, updated_at: input.at, version: Number(existing.version) + 1 })
        .where('instance_id', '=', input.instanceId)
        .execute();
      return { before: existing.source };
    },
  };
}

import type { TrialProjectRepository } from '../types.js';
import type { RepositoryContext } from './context.js';

/** The dbt projects registered on instances for trials (issue 16). Rows: credentials stay sealed. */
export function trialProjectRepository({ db }: RepositoryContext): TrialProjectRepository {
  return {
    async listOfInstance(instanceId) {
      return db
        .selectFrom('trial_projects')
        .selectAll()
        .where('instance_id', '=', instanceId)
        .orderBy('name')
        .execute();
    },
    async findByName(instanceId, name) {
      const row = await db
        .selectFrom('trial_projects')
        .selectAll()
        .where('instance_id', '=', instanceId)
        .where('name', '=', name)
        .executeTakeFirst();
      return row ?? null;
    },
    async insert(row) {
      await db.insertInto('trial_projects').values(row).execute();
    },
    async delete(id) {
      await db.deleteFrom('trial_projects').where('id', '=', id).execute();
    },
  };
}

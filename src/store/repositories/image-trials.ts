import type { ImageTrialsTable } from '../tables/trial.js';
import type { ImageTrialRepository } from '../types.js';
import type { RepositoryContext } from './context.js';

/** The states in which a trial is held by a lease (queued for its runner, or running). */
const LEASED_STATES: ImageTrialsTable['state'][] = ['queued', 'running'];

/** Trials of an image change against an instance's projects (issue 16). */
export function imageTrialRepository({ db }: RepositoryContext): ImageTrialRepository {
  return {
    async get(id) {
      const row = await db.selectFrom('image_trials').selectAll().where('id', '=', id).executeTakeFirst();
      return row ?? null;
    },
    async getOnInstance(id, instanceId) {
      const row = await db
        .selectFrom('image_trials')
        .selectAll()
        .where('id', '=', id)
        .where('instance_id', '=', instanceId)
        .executeTakeFirst();
      return row ?? null;
    },
    async listOfInstance(instanceId, limit) {
      return db
        .selectFrom('image_trials')
        .selectAll()
        .where('instance_id', '=', instanceId)
        .orderBy('created_at', 'desc')
        .limit(limit)
        .execute();
    },
    async listInStates(states, instanceId) {
      let query = db
        .selectFrom('image_trials')
        .selectAll()
        .where('state', 'in', [...states]);
      if (instanceId !== undefined) query = query.where('instance_id', '=', instanceId);
      return query.execute();
    },
    async insert(row) {
      await db.insertInto('image_trials').values(row).execute();
    },
    async update(id, values) {
      await db.updateTable('image_trials').set(values).where('id', '=', id).execute();
    },
    async updateWhileLeased(id, leaseOwner, values) {
      const result = await db
        .updateTable('image_trials')
        .set(values)
        .where('id', '=', id)
        .where('lease_owner', '=', leaseOwner)
        .where('state', 'in', LEASED_STATES)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async lastRanCommit(instanceId, project) {
      const row = await db
        .selectFrom('run_events')
        .select('code_revision')
        .where('instance_id', '=', instanceId)
        .where('project', '=', project)
        .where('code_revision', 'is not', null)
        .orderBy('event_time', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row?.code_revision ?? null;
    },
  };
}

import type { DeploymentHandOffsTable } from '../tables/deployers.js';
import type { DeployerRepository, HandOff } from '../types.js';
import type { RepositoryContext } from './context.js';

function toHandOff(row: DeploymentHandOffsTable): HandOff {
  return {
    instanceId: row.instance_id,
    revision: Number(row.revision),
    kind: row.kind,
    state: row.state,
    outcome: row.outcome,
    startedAt: row.started_at,
    updatedAt: row.updated_at,
  };
}

/** Per-instance deployer configs (stored sealed) and the hand-offs of revisions to them (issue 4). */
export function deployerRepository({ db }: RepositoryContext): DeployerRepository {
  return {
    async getConfigRow(instanceId) {
      const row = await db
        .selectFrom('instance_deployers')
        .selectAll()
        .where('instance_id', '=', instanceId)
        .executeTakeFirst();
      return row ?? null;
    },
    async saveConfig(input) {
      const existing = await db
        .selectFrom('instance_deployers')
        .select('version')
        .where('instance_id', '=', input.instanceId)
        .executeTakeFirst();
      if (existing === undefined) {
        await db
          .insertInto('instance_deployers')
          .values({
            instance_id: input.instanceId,
            tenant_id: input.tenantId,
            kind: input.kind,
            config: input.config,
            updated_at: input.at,
            version: 1,
          })
          .execute();
        return;
      }
      await db
        .updateTable('instance_deployers')
        .set({
          kind: input.kind,
          config: input.config,
          updated_at: input.at,
          version: Number(existing.version) + 1,
        })
        .where('instance_id', '=', input.instanceId)
        .execute();
    },
    async getHandOff(instanceId, revision) {
      const row = await db
        .selectFrom('deployment_hand_offs')
        .selectAll()
        .where('instance_id', '=', instanceId)
        .where('revision', '=', revision)
        .executeTakeFirst();
      return row === undefined ? null : toHandOff(row);
    },
    async claimHandOff(input) {
      const inserted = await db
        .insertInto('deployment_hand_offs')
        .values({
          instance_id: input.instanceId,
          revision: input.revision,
          kind: input.kind,
          state: 'running',
          outcome: null,
          started_at: input.at,
          updated_at: input.at,
        })
        .onConflict((oc) => oc.columns(['instance_id', 'revision']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return true;
      if (input.staleBefore === undefined) return false;
      const taken = await db
        .updateTable('deployment_hand_offs')
        .set({ updated_at: input.at, started_at: input.at })
        .where('instance_id', '=', input.instanceId)
        .where('revision', '=', input.revision)
        .where('state', '=', 'running')
        .where('updated_at', '<', input.staleBefore)
        .executeTakeFirst();
      return Number(taken.numUpdatedRows) === 1;
    },
    async updateHandOff(input) {
      await db
        .updateTable('deployment_hand_offs')
        .set({ state: input.state, outcome: input.outcome, updated_at: input.at })
        .where('instance_id', '=', input.instanceId)
        .where('revision', '=', input.revision)
        .where('state', 'in', [...input.from])
        .execute();
    },
  };
}

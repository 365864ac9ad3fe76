import { DeployerConfig } from '../../delivery/deployers/index.js';
import type { Db } from '../../store/index.js';
import type { DeploymentHandOffsTable } from '../../store/tables/deployers.js';

/** A stored deployer config, validated and with defaults applied (the webhook secret included). */
export type StoredDeployerConfig = ReturnType<typeof DeployerConfig.parse>;

export interface StoredDeployer {
  config: StoredDeployerConfig;
  /** null when the instance never had one configured (the `record` default). */
  updatedAt: string | null;
  version: number;
}

export type HandOffState = DeploymentHandOffsTable['state'];

export interface HandOff {
  instanceId: string;
  revision: number;
  kind: 'webhook' | 'command';
  state: HandOffState;
  outcome: string | null;
  startedAt: string;
  updatedAt: string;
}

const RECORD: StoredDeployer = { config: { kind: 'record' }, updatedAt: null, version: 0 };

/** The instance's deployer; `record` when none was configured. */
export async function readDeployer(db: Db, instanceId: string): Promise<StoredDeployer> {
  const row = await db
    .selectFrom('instance_deployers')
    .selectAll()
    .where('instance_id', '=', instanceId)
    .executeTakeFirst();
  if (row === undefined) return RECORD;
  return {
    config: DeployerConfig.parse(JSON.parse(row.config)),
    updatedAt: row.updated_at,
    version: Number(row.version),
  };
}

/** Stores the instance's deployer (caller audits, inside its transaction). */
export async function writeDeployer(
  db: Db,
  input: { instanceId: string; tenantId: string; config: StoredDeployerConfig; at: string },
): Promise<void> {
  const existing = await db
    .selectFrom('instance_deployers')
    .select('version')
    .where('instance_id', '=', input.instanceId)
    .executeTakeFirst();
  const config = JSON.stringify(input.config);
  if (existing === undefined) {
    await db
      .insertInto('instance_deployers')
      .values({
        instance_id: input.instanceId,
        tenant_id: input.tenantId,
        kind: input.config.kind,
        config,
        updated_at: input.at,
        version: 1,
      })
      .execute();
    return;
  }
  await db
    .updateTable('instance_deployers')
    .set({ kind: input.config.kind, config, updated_at: input.at, version: Number(existing.version) + 1 })
    .where('instance_id', '=', input.instanceId)
    .execute();
}

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

export async function readHandOff(db: Db, instanceId: string, revision: number): Promise<HandOff | null> {
  const row = await db
    .selectFrom('deployment_hand_offs')
    .selectAll()
    .where('instance_id', '=', instanceId)
    .where('revision', '=', revision)
    .executeTakeFirst();
  return row === undefined ? null : toHandOff(row);
}

/**
 * Claims the hand-off of one revision: true for exactly one caller, however many race (the primary
 * key decides). `staleBefore` also lets a caller take over a `running` hand-off last touched before
 * that time: its process died mid-deploy.
 */
export async function claimHandOff(
  db: Db,
  input: {
    instanceId: string;
    revision: number;
    kind: 'webhook' | 'command';
    at: string;
    staleBefore?: string;
  },
): Promise<boolean> {
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
}

/** Moves a hand-off on; `from` guards against overwriting a later state (a callback that came first). */
export async function updateHandOff(
  db: Db,
  input: {
    instanceId: string;
    revision: number;
    from: readonly HandOffState[];
    state: HandOffState;
    outcome: string;
    at: string;
  },
): Promise<void> {
  await db
    .updateTable('deployment_hand_offs')
    .set({ state: input.state, outcome: input.outcome, updated_at: input.at })
    .where('instance_id', '=', input.instanceId)
    .where('revision', '=', input.revision)
    .where('state', 'in', [...input.from])
    .execute();
}

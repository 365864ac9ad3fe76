import { DeployerConfig } from '../../delivery/deployers/index.js';
import type { Db, SecretBox } from '../../store/index.js';
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

/**
 * What the `config` column holds: the config with a webhook's `secret` replaced by `sealedSecret`
 * (store/secret-box.ts), sealed for this instance only. A plain `secret` is a row written before
 * secrets were sealed; it is read as is and sealed the next time the deployer is set.
 */
export type StoredJson = Record<string, unknown> & { kind: string; secret?: unknown; sealedSecret?: unknown };

/** The deployer row as stored, secret still sealed: enough to show it (redacted) without the key. */
export async function readSealedDeployer(
  db: Db,
  instanceId: string,
): Promise<{ json: StoredJson; updatedAt: string | null; version: number } | null> {
  const row = await db
    .selectFrom('instance_deployers')
    .selectAll()
    .where('instance_id', '=', instanceId)
    .executeTakeFirst();
  if (row === undefined) return null;
  return {
    json: JSON.parse(row.config) as StoredJson,
    updatedAt: row.updated_at,
    version: Number(row.version),
  };
}

/** The stored config with its secret opened (a ConflictError when this server's key cannot open it). */
export function openDeployerConfig(
  json: StoredJson,
  secrets: SecretBox,
  instanceId: string,
): StoredDeployerConfig {
  if (typeof json.sealedSecret !== 'string') return DeployerConfig.parse(json);
  const { sealedSecret, ...rest } = json;
  return DeployerConfig.parse({ ...rest, secret: secrets.open(sealedSecret, deployerContext(instanceId)) });
}

/** Binds a sealed secret to its instance: copied into another instance's row, it does not open. */
function deployerContext(instanceId: string): string {
  return `instance-deployer:${instanceId}`;
}

/** The instance's deployer with its secret opened; `record` when none was configured. */
export async function readDeployer(db: Db, secrets: SecretBox, instanceId: string): Promise<StoredDeployer> {
  const sealed = await readSealedDeployer(db, instanceId);
  if (sealed === null) return RECORD;
  return {
    config: openDeployerConfig(sealed.json, secrets, instanceId),
    updatedAt: sealed.updatedAt,
    version: sealed.version,
  };
}

function sealedForStorage(config: StoredDeployerConfig, secrets: SecretBox, instanceId: string): StoredJson {
  if (config.kind !== 'webhook') return config;
  const { secret, ...rest } = config;
  return { ...rest, sealedSecret: secrets.seal(secret, deployerContext(instanceId)) };
}

/** Stores the instance's deployer, its secret sealed (caller audits, inside its transaction). */
export async function writeDeployer(
  db: Db,
  secrets: SecretBox,
  input: { instanceId: string; tenantId: string; config: StoredDeployerConfig; at: string },
): Promise<void> {
  const existing = await db
    .selectFrom('instance_deployers')
    .select('version')
    .where('instance_id', '=', input.instanceId)
    .executeTakeFirst();
  const config = JSON.stringify(sealedForStorage(input.config, secrets, input.instanceId));
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

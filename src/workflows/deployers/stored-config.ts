import { DeployerConfig } from '../../delivery/deployers/index.js';
import type { Repositories, SecretBox } from '../../store/index.js';

// The deployer's config as stored: validated, its webhook secret sealed for one instance. The rows
// themselves are the store's (tx.deployers).

/** A stored deployer config, validated and with defaults applied (the webhook secret included). */
export type StoredDeployerConfig = ReturnType<typeof DeployerConfig.parse>;

export interface StoredDeployer {
  config: StoredDeployerConfig;
  /** null when the instance never had one configured (the `record` default). */
  updatedAt: string | null;
  version: number;
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
  repos: Repositories,
  instanceId: string,
): Promise<{ json: StoredJson; updatedAt: string | null; version: number } | null> {
  const row = await repos.deployers.getConfigRow(instanceId);
  if (row === null) return null;
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
export async function readDeployer(
  repos: Repositories,
  secrets: SecretBox,
  instanceId: string,
): Promise<StoredDeployer> {
  const sealed = await readSealedDeployer(repos, instanceId);
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
  repos: Repositories,
  secrets: SecretBox,
  input: { instanceId: string; tenantId: string; config: StoredDeployerConfig; at: string },
): Promise<void> {
  await repos.deployers.saveConfig({
    instanceId: input.instanceId,
    tenantId: input.tenantId,
    kind: input.config.kind,
    config: JSON.stringify(sealedForStorage(input.config, secrets, input.instanceId)),
    at: input.at,
  });
}

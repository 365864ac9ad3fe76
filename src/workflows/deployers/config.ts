import { createDeployer, DeployerConfig } from '../../delivery/deployers/index.js';
import { assertDeployCommandAllowed } from './allow-list.js';
import { InputError } from '../../domain/errors/index.js';
import { assertCan, isProviderRole } from '../../domain/roles/index.js';
import type { Actor } from '../../domain/roles/index.js';
import type { Store } from '../../store/index.js';
import { auditedBy } from '../audit.js';
import { resolveInstance } from '../references.js';
import { parseInput } from '../schema.js';
import { openDeployerConfig, readSealedDeployer, writeDeployer } from './stored-config.js';
import type { StoredDeployerConfig, StoredJson } from './stored-config.js';
import { InstanceDeployerInput } from './schema.js';

/**
 * An instance's deployer as the API shows it. The webhook secret never leaves the store: only
 * `secretSet` says one is there. Customers see the kind alone (the URL and command are the
 * provider's operations detail).
 */
export interface InstanceDeployerView {
  instanceId: string;
  instanceName: string;
  kind: StoredDeployerConfig['kind'];
  url?: string;
  secretSet?: boolean;
  command?: string[];
  timeoutMs?: number;
  /** null while the instance uses the default (`record`) and nobody configured one. */
  updatedAt?: string | null;
}

/** A deployer config's shape apart from the secret: both the opened config and the stored JSON have it. */
type DeployerShape =
  | { kind: 'record' }
  | { kind: 'webhook'; url: string; timeoutMs: number }
  | { kind: 'command'; command: string[]; timeoutMs: number };

/** The config without its secret: what audit entries and API answers may carry. */
function redacted(config: DeployerShape): Omit<InstanceDeployerView, 'instanceId' | 'instanceName'> {
  switch (config.kind) {
    case 'record':
      return { kind: 'record' };
    case 'webhook':
      return { kind: 'webhook', url: config.url, secretSet: true, timeoutMs: config.timeoutMs };
    case 'command':
      return { kind: 'command', command: config.command, timeoutMs: config.timeoutMs };
  }
}

/** `GET /api/v1/instances/{instanceId}/deployer`: everyone who sees the instance; customers get the kind only. */
export async function getInstanceDeployer(
  store: Store,
  actor: Actor,
  instanceRef: string,
): Promise<InstanceDeployerView> {
  assertCan(actor, 'image.read');
  const instance = await resolveInstance(store.repos, actor, instanceRef);
  // Read sealed: showing a deployer never needs its secret, nor this server's key.
  const stored = await readSealedDeployer(store.repos, instance.id);
  const config = (stored?.json ?? { kind: 'record' }) as DeployerShape;
  const base = { instanceId: instance.id, instanceName: instance.name };
  if (!isProviderRole(actor.role)) return { ...base, kind: config.kind };
  return { ...base, ...redacted(config), updatedAt: stored?.updatedAt ?? null };
}

/**
 * Chooses the deployer of an instance's image (provider admin or engineer, audited without the
 * secret). A webhook config without `secret` keeps the stored secret of the current webhook config.
 *
 * @example
 * await setInstanceDeployer(store, engineer, {
 *   instance: 'acme/acme-prod',
 *   deployer: { kind: 'command', command: ['/opt/deploy/push-image'], timeoutMs: 600_000 },
 * });
 */
export async function setInstanceDeployer(
  store: Store,
  actor: Actor,
  input: InstanceDeployerInput,
): Promise<InstanceDeployerView> {
  assertCan(actor, 'image.deployer.configure');
  const parsed = parseInput(InstanceDeployerInput, input, 'deployer config');
  return store.transaction(async (tx) => {
    const instance = await resolveInstance(tx, actor, parsed.instance);
    const before = await readSealedDeployer(tx, instance.id);
    const beforeShape = (before?.json ?? { kind: 'record' }) as DeployerShape;
    const wanted = parsed.deployer;
    let candidate: unknown = wanted;
    if (wanted.kind === 'webhook' && wanted.secret === undefined) {
      if (before === null || before.json.kind !== 'webhook') {
        throw new InputError(
          `A webhook deployer for ${instance.name} needs a secret: none is stored to keep.`,
          {
            remedy:
              'Pass "secret" (16+ characters) shared with the deploy target; it signs the deploy requests and the callbacks.',
          },
        );
      }
      const kept = openDeployerConfig(before.json, store.secrets, instance.id);
      candidate = { ...wanted, secret: kept.kind === 'webhook' ? kept.secret : undefined };
    }
    // Fails with the sentence the deployer factory gives (what to pass), before anything is written.
    createDeployer(candidate);
    if (wanted.kind === 'command') assertDeployCommandAllowed(wanted.command);
    const config = DeployerConfig.parse(candidate);
    await writeDeployer(tx, store.secrets, {
      instanceId: instance.id,
      tenantId: instance.tenantId,
      config,
      at: tx.now(),
    });
    const secretChanged =
      config.kind === 'webhook' && previousSecret(before, store, instance.id) !== config.secret;
    await tx.audit.append(
      auditedBy(actor, {
        tenantId: instance.tenantId,
        action: 'image.deployer.set',
        target: `instance:${instance.id}`,
        before: redacted(beforeShape),
        after: { ...redacted(config), ...(config.kind === 'webhook' ? { secretChanged } : {}) },
      }),
    );
    return {
      instanceId: instance.id,
      instanceName: instance.name,
      ...redacted(config),
      updatedAt: tx.now(),
    };
  });
}

/** The webhook secret stored before a change, or undefined when there was none this server can open. */
function previousSecret(
  before: { json: StoredJson } | null,
  store: Store,
  instanceId: string,
): string | undefined {
  if (before === null || before.json.kind !== 'webhook') return undefined;
  try {
    const config = openDeployerConfig(before.json, store.secrets, instanceId);
    return config.kind === 'webhook' ? config.secret : undefined;
  } catch {
    // Sealed under another key: whatever is set now replaces it.
    return undefined;
  }
}

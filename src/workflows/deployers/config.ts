import { createDeployer, DeployerConfig } from '../../delivery/deployers/index.js';
import { assertDeployCommandAllowed } from './allow-list.js';
import { InputError } from '../../domain/errors/index.js';
import { assertCan, isProviderRole } from '../../domain/roles/index.js';
import type { Actor } from '../../domain/roles/index.js';
import type { Store } from '../../store/index.js';
import { auditedBy } from '../audit.js';
import { resolveInstance } from '../references.js';
import { parseInput } from '../schema.js';
import { readDeployer, writeDeployer } from './repository.js';
import type { StoredDeployerConfig } from './repository.js';
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

/** The config without its secret: what audit entries and API answers may carry. */
function redacted(config: StoredDeployerConfig): Omit<InstanceDeployerView, 'instanceId' | 'instanceName'> {
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
  const stored = await readDeployer(store.db, instance.id);
  const base = { instanceId: instance.id, instanceName: instance.name };
  if (!isProviderRole(actor.role)) return { ...base, kind: stored.config.kind };
  return { ...base, ...redacted(stored.config), updatedAt: stored.updatedAt };
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
    const before = await readDeployer(tx.db, instance.id);
    const wanted = parsed.deployer;
    let candidate: unknown = wanted;
    if (wanted.kind === 'webhook' && wanted.secret === undefined) {
      if (before.config.kind !== 'webhook') {
        throw new InputError(
          `A webhook deployer for ${instance.name} needs a secret: none is stored to keep.`,
          {
            remedy:
              'Pass "secret" (16+ characters) shared with the deploy target; it signs the deploy requests and the callbacks.',
          },
        );
      }
      candidate = { ...wanted, secret: before.config.secret };
    }
    // Fails with the sentence the deployer factory gives (what to pass), before anything is written.
    createDeployer(candidate);
    if (wanted.kind === 'command') assertDeployCommandAllowed(wanted.command);
    const config = DeployerConfig.parse(candidate);
    await writeDeployer(tx.db, {
      instanceId: instance.id,
      tenantId: instance.tenantId,
      config,
      at: tx.now(),
    });
    const secretChanged =
      config.kind === 'webhook' &&
      (before.config.kind !== 'webhook' || before.config.secret !== config.secret);
    await tx.audit.append(
      auditedBy(actor, {
        tenantId: instance.tenantId,
        action: 'image.deployer.set',
        target: `instance:${instance.id}`,
        before: redacted(before.config),
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

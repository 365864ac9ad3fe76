import { InputError } from '../domain/errors/index.js';
import { assertCan } from '../domain/roles/index.js';
import type { Actor } from '../domain/roles/index.js';
import type { Instance } from '../domain/tenancy/index.js';
import type { Store } from '../store/index.js';
import { auditedBy } from './audit.js';
import { resolveInstance, resolveTenant } from './references.js';
import { CreateInstanceInput, InstanceRef, ListInstancesInput, parseInput } from './schema.js';

/**
 * Creates an environment of a tenant. A production instance may name its test instance (same tenant,
 * kind `test`): "Test before promoting to production" (rollback-strategy.txt, Recommended Approach).
 */
export async function createInstance(
  store: Store,
  actor: Actor,
  input: CreateInstanceInput,
): Promise<Instance> {
  assertCan(actor, 'instance.create');
  const parsed = parseInput(CreateInstanceInput, input, 'instance');
  return store.transaction(async (tx) => {
    const tenant = await resolveTenant(tx, actor, parsed.tenant);
    let testInstanceId: string | null = null;
    if (parsed.testInstance !== undefined && parsed.testInstance !== null) {
      if (parsed.kind !== 'production') {
        throw new InputError('Only a production instance can name a test instance.', {
          remedy: 'Drop testInstance, or create the instance with kind "production".',
        });
      }
      const testInstance = await resolveInstance(tx, actor, parsed.testInstance);
      if (testInstance.tenantId !== tenant.id || testInstance.kind !== 'test') {
        throw new InputError(`"${parsed.testInstance}" is not a test instance of tenant ${tenant.slug}.`, {
          remedy: `Name a test instance of ${tenant.slug}, or create one first.`,
        });
      }
      testInstanceId = testInstance.id;
    }
    const instance = await tx.instances.insert({
      tenantId: tenant.id,
      name: parsed.name,
      kind: parsed.kind,
      testInstanceId,
      namespaces: parsed.namespaces ?? [],
    });
    await tx.audit.append(
      auditedBy(actor, {
        tenantId: tenant.id,
        action: 'instance.create',
        target: `instance:${instance.id}`,
        before: null,
        after: {
          id: instance.id,
          name: instance.name,
          kind: instance.kind,
          testInstanceId,
          namespaces: instance.namespaces,
        },
      }),
    );
    return instance;
  });
}

export async function listInstances(
  store: Store,
  actor: Actor,
  input: ListInstancesInput = {},
): Promise<Instance[]> {
  assertCan(actor, 'instance.read');
  const parsed = parseInput(ListInstancesInput, input, 'instance query');
  if (parsed.tenant !== undefined) {
    const tenant = await resolveTenant(store.repos, actor, parsed.tenant);
    return store.repos.instances.list(tenant.id);
  }
  // Customers only ever list their own tenant's instances.
  return store.repos.instances.list(actor.tenantId ?? undefined);
}

export async function getInstance(store: Store, actor: Actor, ref: InstanceRef): Promise<Instance> {
  assertCan(actor, 'instance.read');
  return resolveInstance(store.repos, actor, parseInput(InstanceRef, ref, 'instance reference'));
}

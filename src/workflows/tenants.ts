import { assertCan, isProviderRole } from '../domain/roles/index.js';
import type { Actor } from '../domain/roles/index.js';
import type { Tenant } from '../domain/tenancy/index.js';
import type { Store } from '../store/index.js';
import { auditedBy } from './audit.js';
import { resolveTenant } from './references.js';
import { CreateTenantInput, parseInput, TenantRef, UpdateTenantInput } from './schema.js';

function summary(tenant: Tenant): Record<string, unknown> {
  return { id: tenant.id, slug: tenant.slug, name: tenant.name, version: tenant.version };
}

/** Creates a customer organisation. provider-admin only. */
export async function createTenant(store: Store, actor: Actor, input: CreateTenantInput): Promise<Tenant> {
  assertCan(actor, 'tenant.create');
  const { slug, name } = parseInput(CreateTenantInput, input, 'tenant');
  return store.transaction(async (tx) => {
    const tenant = await tx.tenants.insert({ slug, name });
    await tx.audit.append(
      auditedBy(actor, {
        tenantId: tenant.id,
        action: 'tenant.create',
        target: `tenant:${tenant.id}`,
        before: null,
        after: summary(tenant),
      }),
    );
    return tenant;
  });
}

/** Provider roles see every tenant; a customer sees only their own. */
export async function listTenants(store: Store, actor: Actor): Promise<Tenant[]> {
  assertCan(actor, 'tenant.read');
  const tenants = await store.repos.tenants.list();
  if (isProviderRole(actor.role)) return tenants;
  return tenants.filter((tenant) => tenant.id === actor.tenantId);
}

export async function getTenant(store: Store, actor: Actor, ref: TenantRef): Promise<Tenant> {
  assertCan(actor, 'tenant.read');
  return resolveTenant(store.repos, actor, parseInput(TenantRef, ref, 'tenant reference'));
}

/** Renames a tenant; `expectedVersion` is the version the caller read (stale = ConflictError). */
export async function updateTenant(store: Store, actor: Actor, input: UpdateTenantInput): Promise<Tenant> {
  assertCan(actor, 'tenant.update');
  const parsed = parseInput(UpdateTenantInput, input, 'tenant update');
  return store.transaction(async (tx) => {
    const before = await resolveTenant(tx, actor, parsed.tenant);
    const after = await tx.tenants.update(before.id, parsed.expectedVersion, { name: parsed.name });
    await tx.audit.append(
      auditedBy(actor, {
        tenantId: after.id,
        action: 'tenant.update',
        target: `tenant:${after.id}`,
        before: summary(before),
        after: summary(after),
      }),
    );
    return after;
  });
}

import { InputError, NotFoundError } from '../domain/errors/index.js';
import { canSeeTenant, isProviderRole } from '../domain/roles/index.js';
import type { Actor } from '../domain/roles/index.js';
import type { Instance, Tenant } from '../domain/tenancy/index.js';
import type { Repositories } from '../store/index.js';

/**
 * Finds a tenant by id or slug, within the actor's scope. A customer naming another tenant gets the
 * same NotFoundError as for a tenant that does not exist: existence must not leak.
 */
export async function resolveTenant(repos: Repositories, actor: Actor, ref: string): Promise<Tenant> {
  const tenant = ref.startsWith('ten_') ? await repos.tenants.get(ref) : await repos.tenants.getBySlug(ref);
  if (tenant === null || !canSeeTenant(actor, tenant.id)) {
    throw new NotFoundError(`Tenant "${ref}" was not found.`, {
      remedy: 'List tenants to see the ones you can reach.',
    });
  }
  return tenant;
}

function instanceNotFound(ref: string): NotFoundError {
  return new NotFoundError(`Instance "${ref}" was not found.`, {
    remedy: 'List instances to see the ones you can reach.',
  });
}

/** Finds an instance by id, `tenant-slug/name`, or bare name, within the actor's scope. */
export async function resolveInstance(repos: Repositories, actor: Actor, ref: string): Promise<Instance> {
  if (ref.startsWith('ins_')) {
    const instance = await repos.instances.get(ref);
    if (instance === null || !canSeeTenant(actor, instance.tenantId)) throw instanceNotFound(ref);
    return instance;
  }
  const slash = ref.indexOf('/');
  if (slash >= 0) {
    const tenant = await repos.tenants.getBySlug(ref.slice(0, slash));
    if (tenant === null || !canSeeTenant(actor, tenant.id)) throw instanceNotFound(ref);
    const [instance] = await repos.instances.findByName(ref.slice(slash + 1), tenant.id);
    if (instance === undefined) throw instanceNotFound(ref);
    return instance;
  }
  const scope = isProviderRole(actor.role) ? undefined : (actor.tenantId ?? '');
  const matches = await repos.instances.findByName(ref, scope);
  if (matches.length === 0) throw instanceNotFound(ref);
  if (matches.length > 1) {
    throw new InputError(`Instance name "${ref}" is used by ${matches.length} tenants.`, {
      remedy: `Name it as tenant-slug/${ref} or by its id.`,
      extra: { instanceIds: matches.map((m) => m.id) },
    });
  }
  return matches[0]!;
}

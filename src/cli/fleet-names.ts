import type { ApiClient } from './client.js';

/** Tenant slugs and instance names by id, so tables show what people call things (issue 17). */
export interface FleetNames {
  tenant(id: string): string;
  instance(id: string): string;
}

/** Reads the tenants and instances the caller may see; an id nobody can name is shown as is. */
export async function fleetNames(client: ApiClient): Promise<FleetNames> {
  const [{ tenants }, { instances }] = await Promise.all([
    client.get<{ tenants: { id: string; slug: string }[] }>('/api/v1/tenants'),
    client.get<{ instances: { id: string; name: string }[] }>('/api/v1/instances'),
  ]);
  const slugs = new Map(tenants.map((t) => [t.id, t.slug]));
  const names = new Map(instances.map((i) => [i.id, i.name]));
  return {
    tenant: (id) => slugs.get(id) ?? id,
    instance: (id) => names.get(id) ?? id,
  };
}

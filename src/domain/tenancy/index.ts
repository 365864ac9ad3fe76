export type { Instance, InstanceKind, Tenant } from './types.js';
export { INSTANCE_KINDS, InstanceName, TenantSlug } from './schema.js';

export type { Instance, InstanceKind, Tenant } from './types.js';
export { INSTANCE_KINDS } from './kinds.js';
export { InstanceName, TenantSlug } from './schema.js';

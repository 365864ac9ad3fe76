export type { Action, Actor, CustomerRole, ProviderRole, Role } from './types.js';
export {
  assertCan,
  assertTenantVisible,
  can,
  canSeeTenant,
  CUSTOMER_ROLES,
  isProviderRole,
  isRole,
  PERMISSIONS,
  PROVIDER_ROLES,
  ROLES,
} from './permissions.js';

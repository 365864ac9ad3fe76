export type { Action, Actor, CustomerRole, ProviderRole, Role, ServiceRole } from './types.js';
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
  SERVICE_ROLES,
} from './permissions.js';

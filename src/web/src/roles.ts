import type { Role } from './types';

export function isProviderRole(role: Role): boolean {
  return role.startsWith('provider-');
}

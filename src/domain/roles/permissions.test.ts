import { describe, expect, it } from 'vitest';
import { NotAllowedError, NotFoundError } from '../errors/index.js';
import { assertCan, assertTenantVisible, can } from './index.js';
import type { Actor } from './index.js';

const actor = (role: Actor['role'], tenantId: string | null = null): Actor => ({
  userId: 'u',
  name: 'n',
  role,
  tenantId,
});

describe('roles and tenant scope', () => {
  it('reserves changes to provider change roles and names them in the refusal', () => {
    expect(can(actor('provider-engineer'), 'revision.record.platform')).toBe(true);
    expect(can(actor('provider-support'), 'revision.record.platform')).toBe(false);
    expect(can(actor('customer-admin', 't1'), 'tenant.create')).toBe(false);
    expect(() => assertCan(actor('customer-member', 't1'), 'audit.verify')).toThrow(NotAllowedError);
    expect(() => assertCan(actor('customer-member', 't1'), 'instance.create')).toThrow(
      'reserved for: provider-admin, provider-engineer',
    );
  });

  it('shows customers only their own tenant, as not found', () => {
    expect(() => assertTenantVisible(actor('provider-support'), 't2', 'Instance x')).not.toThrow();
    expect(() => assertTenantVisible(actor('customer-admin', 't1'), 't1', 'Instance x')).not.toThrow();
    expect(() => assertTenantVisible(actor('customer-admin', 't1'), 't2', 'Instance x')).toThrow(
      NotFoundError,
    );
  });
});

/**
 * Issue 13: an email address is no existence oracle. Addresses are compared case-insensitively and
 * unique per tenant (and among provider users), so a tenant admin can neither learn of nor take
 * another tenant's address, and a clash only ever concerns the caller's own scope.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, openTestStore } from '../../test/support/engines.js';
import type { TestStore } from '../../test/support/engines.js';
import { ConflictError } from '../domain/errors/index.js';
import type { Actor } from '../domain/roles/index.js';
import type { DemoSeed } from './index.js';
import { authenticateToken, createUser, seedDemo } from './index.js';

describe.each(engines)('user emails (%s)', (engine) => {
  let t: TestStore;
  let demo: DemoSeed;
  let bea: Actor;
  let admin: Actor;

  beforeAll(async () => {
    t = await openTestStore(engine);
    demo = await seedDemo(t.store);
    bea = await authenticateToken(t.store, demo.users.bea.token);
    admin = await authenticateToken(t.store, demo.users.providerAdmin.token);
  });
  afterAll(() => t.destroy());

  it("lets a tenant use an address another tenant's user has: no 409 tells it that user exists", async () => {
    const user = await createUser(t.store, bea, {
      name: 'Gus at Acme',
      email: 'gus@globex.example',
      role: 'customer-member',
      tenant: 'acme',
    });
    expect(user.email).toBe('gus@globex.example');
    expect(user.tenantId).toBe(demo.tenants.acme.id);
  });

  it('stores addresses lower-case and refuses a case variant in the same tenant, naming only that scope', async () => {
    const user = await createUser(t.store, bea, {
      name: 'Cy',
      email: 'Cy@Acme.Example',
      role: 'customer-member',
      tenant: 'acme',
    });
    expect(user.email).toBe('cy@acme.example');
    const clash = createUser(t.store, bea, {
      name: 'Ana again',
      email: 'ANA@acme.example',
      role: 'customer-member',
      tenant: 'acme',
    });
    await expect(clash).rejects.toBeInstanceOf(ConflictError);
    await expect(clash).rejects.toThrow('A user with email ana@acme.example already exists in this tenant.');
  });

  it('keeps provider users unique among themselves, apart from customer users', async () => {
    await expect(
      createUser(t.store, admin, {
        name: 'Pete 2',
        email: 'PETE@provider.example',
        role: 'provider-support',
      }),
    ).rejects.toThrow('already exists among provider users');
    const customer = await createUser(t.store, admin, {
      name: 'Pete at Globex',
      email: 'pete@provider.example',
      role: 'customer-member',
      tenant: 'globex',
    });
    expect(customer.email).toBe('pete@provider.example');
  });
});

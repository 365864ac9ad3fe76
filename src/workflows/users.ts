import { InputError, NotAllowedError } from '../domain/errors/index.js';
import { assertCan, isProviderRole } from '../domain/roles/index.js';
import type { Actor } from '../domain/roles/index.js';
import type { User } from '../domain/users/index.js';
import type { Repositories, Store } from '../store/index.js';
import { auditedBy } from './audit.js';
import { resolveTenant } from './references.js';
import { CreateUserInput, ListUsersInput, parseInput } from './schema.js';

export function userSummary(user: User): Record<string, unknown> {
  return { id: user.id, name: user.name, email: user.email, role: user.role, tenantId: user.tenantId };
}

/** createUser inside a caller's transaction (seeding, bootstrap). */
export async function createUserInTransaction(
  tx: Repositories,
  actor: Actor,
  input: CreateUserInput,
): Promise<User> {
  assertCan(actor, 'user.create');
  const parsed = parseInput(CreateUserInput, input, 'user');
  const providerUser = isProviderRole(parsed.role);
  // A customer admin manages their own people; provider staff are created by a provider admin only.
  if (providerUser && actor.role !== 'provider-admin') {
    throw new NotAllowedError(
      `Your role (${actor.role}) may not create ${parsed.role} users; only provider-admin may.`,
      {
        remedy: 'Ask a provider admin.',
      },
    );
  }
  const hasTenant = parsed.tenant !== undefined && parsed.tenant !== null;
  if (providerUser && hasTenant) {
    throw new InputError(
      `A ${parsed.role} belongs to the provider and sees every tenant; do not pass a tenant.`,
    );
  }
  if (!providerUser && !hasTenant) {
    throw new InputError(`A ${parsed.role} belongs to one tenant; pass the tenant.`, {
      remedy: 'Add the tenant slug or id.',
    });
  }
  const tenant = hasTenant ? await resolveTenant(tx, actor, parsed.tenant!) : null;
  const user = await tx.users.insert({
    name: parsed.name,
    email: parsed.email ?? null,
    role: parsed.role,
    tenantId: tenant?.id ?? null,
  });
  await tx.audit.append(
    auditedBy(actor, {
      tenantId: user.tenantId,
      action: 'user.create',
      target: `user:${user.id}`,
      before: null,
      after: userSummary(user),
    }),
  );
  return user;
}

/** provider-admin creates anyone; customer-admin creates customer users of their own tenant. */
export async function createUser(store: Store, actor: Actor, input: CreateUserInput): Promise<User> {
  assertCan(actor, 'user.create');
  return store.transaction((tx) => createUserInTransaction(tx, actor, input));
}

export async function listUsers(store: Store, actor: Actor, input: ListUsersInput = {}): Promise<User[]> {
  assertCan(actor, 'user.read');
  const parsed = parseInput(ListUsersInput, input, 'user query');
  if (parsed.tenant !== undefined) {
    const tenant = await resolveTenant(store.repos, actor, parsed.tenant);
    return store.repos.users.list(tenant.id);
  }
  if (isProviderRole(actor.role)) return store.repos.users.list();
  return store.repos.users.list(actor.tenantId ?? '');
}

/**
 * One bearer token per role on a seeded test server (src/api/test-server.ts): the seed's people,
 * plus a provider-support user it lacks and, on request, an ingestion token. For tests that try an
 * action as every role.
 */
import { expect } from 'vitest';
import type { TestServer } from '../../src/api/test-server.js';
import type { Actor, Role } from '../../src/domain/roles/index.js';
import type { User } from '../../src/domain/users/index.js';
import { createUser } from '../../src/workflows/index.js';
import { issueToken } from '../../src/workflows/tokens.js';

export function actorOf(user: User): Actor {
  return { userId: user.id, name: user.name, role: user.role, tenantId: user.tenantId };
}

/** `label` names the support user's e-mail and the ingestion token, so each test file's differ. */
export async function tokensForEveryRole(
  server: TestServer,
  { label, withIngestion }: { label: string; withIngestion: boolean },
): Promise<Map<Role, string>> {
  const { users } = server.seed;
  const admin = actorOf(users.providerAdmin.user);
  const support = await createUser(server.store, admin, {
    name: 'Sam (Support)',
    email: `sam.${label}@provider.example`,
    role: 'provider-support',
  });
  const tokens = new Map<Role, string>([
    ['provider-admin', users.providerAdmin.token],
    ['provider-engineer', users.providerEngineer.token],
    ['provider-support', (await issueToken(server.store, admin, { userId: support.id })).token],
    ['customer-admin', users.bea.token],
    ['customer-member', users.ana.token],
  ]);
  if (withIngestion) {
    const ingestion = await server.call('POST', '/api/v1/tenants/acme/ingestion-tokens', {
      token: users.providerAdmin.token,
      body: { label: `${label} test` },
    });
    expect(ingestion.status, ingestion.text).toBe(201);
    tokens.set('lineage-ingest', String(ingestion.json.token));
  }
  return tokens;
}

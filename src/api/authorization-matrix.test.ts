/**
 * Every route in /openapi.json × every caller, against a table written by hand. A route that is in
 * the OpenAPI document but not in this table fails the test: a new route cannot ship unguarded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from './test-server.js';
import type { TestServer } from './test-server.js';

type Caller =
  | 'provider-admin'
  | 'provider-engineer'
  | 'provider-support'
  | 'customer-admin'
  | 'customer-member'
  | 'foreign-customer'
  | 'anonymous';

const CALLERS: readonly Caller[] = [
  'provider-admin',
  'provider-engineer',
  'provider-support',
  'customer-admin',
  'customer-member',
  'foreign-customer',
  'anonymous',
];

/** allow: passes access control (any answer but 401/403/404); hidden: 404 (another tenant's thing). */
type Outcome = 'allow' | 'forbid' | 'hidden';

interface Row {
  /** Expected outcome for each signed-in caller; anonymous is always 401. */
  expect: Record<Exclude<Caller, 'anonymous'>, Outcome>;
  /** Builds the request for a caller; may prepare state (a fresh token to revoke...). */
  request: (ctx: Context, caller: Caller) => Promise<{ path: string; body?: unknown }>;
}

interface Context {
  server: TestServer;
  admin: string;
  acmeUserId: string;
  nextSlug: () => string;
}

const ALL: Row['expect'] = {
  'provider-admin': 'allow',
  'provider-engineer': 'allow',
  'provider-support': 'allow',
  'customer-admin': 'allow',
  'customer-member': 'allow',
  'foreign-customer': 'allow',
};
const ALL_OWN_TENANT: Row['expect'] = { ...ALL, 'foreign-customer': 'hidden' };
const PROVIDERS: Row['expect'] = {
  ...ALL,
  'customer-admin': 'forbid',
  'customer-member': 'forbid',
  'foreign-customer': 'forbid',
};
const PROVIDER_CHANGE: Row['expect'] = { ...PROVIDERS, 'provider-support': 'forbid' };
const ADMINS: Row['expect'] = {
  ...PROVIDER_CHANGE,
  'provider-engineer': 'forbid',
  'customer-admin': 'allow',
  'foreign-customer': 'hidden',
};

const ACME_PROD = '/api/v1/instances/acme%2Facme-prod';

async function pendingInfrastructure(ctx: Context): Promise<number> {
  const latest = await ctx.server.store.repos.revisions.latestNumber(
    ctx.server.seed.instances.acmeProd.id,
    'infrastructure',
  );
  const response = await ctx.server.call('POST', `${ACME_PROD}/layers/infrastructure/revisions`, {
    token: ctx.admin,
    body: {
      expectedRevision: latest,
      reason: 'matrix',
      content: { changes: { n: latest + 1 }, description: 'matrix' },
    },
  });
  expect(response.status, response.text).toBe(201);
  return Number(response.json.number);
}

const TABLE: Record<string, Row> = {
  'GET /api/v1/tenants': { expect: ALL, request: async () => ({ path: '/api/v1/tenants' }) },
  'POST /api/v1/tenants': {
    expect: { ...PROVIDER_CHANGE, 'provider-engineer': 'forbid' },
    request: async (ctx) => ({ path: '/api/v1/tenants', body: { slug: ctx.nextSlug(), name: 'Matrix' } }),
  },
  'GET /api/v1/tenants/{tenantId}': {
    expect: ALL_OWN_TENANT,
    request: async () => ({ path: '/api/v1/tenants/acme' }),
  },
  'GET /api/v1/tenants/{tenantId}/instances': {
    expect: ALL_OWN_TENANT,
    request: async () => ({ path: '/api/v1/tenants/acme/instances' }),
  },
  'POST /api/v1/tenants/{tenantId}/instances': {
    expect: PROVIDER_CHANGE,
    request: async (ctx) => ({
      path: '/api/v1/tenants/acme/instances',
      body: { name: ctx.nextSlug(), kind: 'test' },
    }),
  },
  'GET /api/v1/instances': { expect: ALL, request: async () => ({ path: '/api/v1/instances' }) },
  'GET /api/v1/instances/{instanceId}': {
    expect: ALL_OWN_TENANT,
    request: async () => ({ path: ACME_PROD }),
  },
  'GET /api/v1/instances/{instanceId}/layers/{layer}/revisions': {
    expect: ALL_OWN_TENANT,
    request: async () => ({ path: `${ACME_PROD}/layers/image/revisions` }),
  },
  'POST /api/v1/instances/{instanceId}/layers/{layer}/revisions': {
    expect: PROVIDER_CHANGE,
    request: async (ctx) => {
      const latest = await ctx.server.store.repos.revisions.latestNumber(
        ctx.server.seed.instances.acmeProd.id,
        'infrastructure',
      );
      return {
        path: `${ACME_PROD}/layers/infrastructure/revisions`,
        body: {
          expectedRevision: latest,
          reason: 'matrix',
          content: { changes: { n: latest }, description: 'm' },
        },
      };
    },
  },
  'POST /api/v1/instances/{instanceId}/layers/{layer}/revisions/{number}/deployed': {
    expect: PROVIDER_CHANGE,
    request: async (ctx) => ({
      path: `${ACME_PROD}/layers/infrastructure/revisions/${await pendingInfrastructure(ctx)}/deployed`,
      body: {},
    }),
  },
  'POST /api/v1/instances/{instanceId}/layers/{layer}/revisions/{number}/failed': {
    expect: PROVIDER_CHANGE,
    request: async (ctx) => ({
      path: `${ACME_PROD}/layers/infrastructure/revisions/${await pendingInfrastructure(ctx)}/failed`,
      body: {},
    }),
  },
  'POST /api/v1/instances/{instanceId}/layers/{layer}/rollback': {
    expect: ALL_OWN_TENANT,
    request: async () => ({ path: `${ACME_PROD}/layers/platform/rollback`, body: { toRevision: 1 } }),
  },
  'GET /api/v1/policy': { expect: ALL, request: async () => ({ path: '/api/v1/policy' }) },
  'GET /api/v1/audit': { expect: PROVIDERS, request: async () => ({ path: '/api/v1/audit' }) },
  'POST /api/v1/audit/verify': {
    expect: PROVIDERS,
    request: async () => ({ path: '/api/v1/audit/verify', body: {} }),
  },
  'GET /api/v1/me': { expect: ALL, request: async () => ({ path: '/api/v1/me' }) },
  'POST /api/v1/users': {
    expect: ADMINS,
    request: async (ctx) => ({
      path: '/api/v1/users',
      body: { name: `user ${ctx.nextSlug()}`, role: 'customer-member', tenant: 'acme' },
    }),
  },
  'POST /api/v1/tokens': {
    expect: ADMINS,
    request: async (ctx) => ({ path: '/api/v1/tokens', body: { userId: ctx.acmeUserId } }),
  },
  'DELETE /api/v1/tokens/{id}': {
    expect: ADMINS,
    request: async (ctx) => {
      const issued = await ctx.server.call('POST', '/api/v1/tokens', {
        token: ctx.admin,
        body: { userId: ctx.acmeUserId, label: 'to revoke' },
      });
      expect(issued.status, issued.text).toBe(201);
      return { path: `/api/v1/tokens/${(issued.json.info as { id: string }).id}` };
    },
  },
};

describe('authorization matrix', () => {
  let server: TestServer;
  let ctx: Context;
  const tokens = new Map<Caller, string>();
  let routes: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    const { users } = server.seed;
    const admin = users.providerAdmin.token;
    let counter = 0;
    ctx = {
      server,
      admin,
      acmeUserId: users.ana.user.id,
      nextSlug: () => `matrix-${++counter}`,
    };
    const demo = [users.providerAdmin, users.providerEngineer, users.bea, users.ana];
    for (const { user, token } of demo) {
      if (user.tenantId === null || user.tenantId === server.seed.tenants.acme.id)
        tokens.set(user.role, token);
    }
    tokens.set('foreign-customer', users.globexAdmin.token);
    for (const role of ['provider-support', 'customer-admin', 'customer-member'] as const) {
      if (tokens.has(role)) continue;
      const user = await server.call('POST', '/api/v1/users', {
        token: admin,
        body: { name: `a ${role}`, role, ...(role.startsWith('customer') ? { tenant: 'acme' } : {}) },
      });
      expect(user.status, user.text).toBe(201);
      const token = await server.call('POST', '/api/v1/tokens', {
        token: admin,
        body: { userId: user.json.id },
      });
      tokens.set(role, String(token.json.token));
    }
    const openapi = await server.call('GET', '/openapi.json');
    const paths = openapi.json.paths as Record<string, Record<string, unknown>>;
    routes = Object.entries(paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
  });
  afterAll(async () => server.close());

  it('has a row for every route in the OpenAPI document, and no stale rows', () => {
    expect(routes.length).toBeGreaterThan(15);
    expect(routes.filter((route) => !(route in TABLE))).toEqual([]);
    expect(Object.keys(TABLE).filter((route) => !routes.includes(route))).toEqual([]);
  });

  it('documents the allowed roles on every operation', async () => {
    const openapi = await server.call('GET', '/openapi.json');
    const paths = openapi.json.paths as Record<string, Record<string, { 'x-roles'?: string[] }>>;
    for (const methods of Object.values(paths)) {
      for (const operation of Object.values(methods)) expect(operation['x-roles']?.length).toBeGreaterThan(0);
    }
  });

  it.each(Object.keys(TABLE))('%s: every caller gets the expected answer', async (route) => {
    const row = TABLE[route]!;
    const method = route.split(' ')[0]!;
    const answers: Record<string, string> = {};
    const expected: Record<string, string> = {};
    for (const caller of CALLERS) {
      const { path, body } = await row.request(ctx, caller);
      const token = tokens.get(caller);
      const response = await server.call(method, path, { ...(token ? { token } : {}), body });
      const outcome =
        response.status === 401
          ? 'unauthenticated'
          : response.status === 403
            ? 'forbid'
            : response.status === 404
              ? 'hidden'
              : response.status >= 500
                ? `error ${response.status}`
                : 'allow';
      answers[caller] = outcome;
      expected[caller] = caller === 'anonymous' ? 'unauthenticated' : row.expect[caller];
    }
    expect(answers).toEqual(expected);
  });
});

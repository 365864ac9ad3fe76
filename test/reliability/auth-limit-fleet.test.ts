/**
 * Issue 8, "Security", across servers: the failed-authentication limit is counted in the database,
 * so two servers on one database (two processes in production: here two Fastify apps, each with its
 * own limiter memory and, on PostgreSQL, its own pool) do not allow twice the limit.
 */
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_AUTH_FAILURE_LIMIT, installAccessControl } from '../../src/api/access.js';
import { startServer } from '../../src/api/server.js';
import { UnauthenticatedError } from '../../src/domain/errors/index.js';
import { bootstrapAdmin } from '../../src/workflows/index.js';
import { engines, openTestStore } from '../support/engines.js';
import type { TestStore } from '../support/engines.js';

const BAD_TOKEN = `rtk_${'0'.repeat(16)}_${'2'.repeat(64)}`;
const MAX = DEFAULT_AUTH_FAILURE_LIMIT.maxFailures;

describe.each(engines)('failed-authentication limit shared by two servers (%s)', (engine) => {
  let t: TestStore;
  let adminToken: string;
  const apps: FastifyInstance[] = [];
  const urls: string[] = [];

  beforeAll(async () => {
    t = await openTestStore(engine);
    const boot = await bootstrapAdmin(t.store);
    if (!boot.created) throw new Error('expected a fresh store');
    adminToken = boot.token.token;
    for (const store of [t.store, await t.openAnother()]) {
      const { app, url } = await startServer({ store, logger: false, port: 0, host: '127.0.0.1' });
      apps.push(app);
      urls.push(url);
    }
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await t.destroy();
  });

  async function me(server: number, token: string): Promise<number> {
    const response = await fetch(`${urls[server]!}/api/v1/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await response.arrayBuffer();
    return response.status;
  }

  it('stops an address at the fleet-wide limit, on the server that saw fewer of its failures too', async () => {
    expect([await me(0, adminToken), await me(1, adminToken)]).toEqual([200, 200]);
    const onA = MAX - 8;
    const statuses: number[] = [];
    for (let i = 0; i < onA; i++) statuses.push(await me(0, BAD_TOKEN));
    for (let i = 0; i < MAX - onA; i++) statuses.push(await me(1, BAD_TOKEN));
    expect(statuses).toEqual(Array<number>(MAX).fill(401));
    // Server B saw 8 failures, the database 20: B refuses the next attempt before checking it.
    expect(await me(1, BAD_TOKEN)).toBe(429);
    // Server A last counted 12: it checks one more (and learns the fleet count), then refuses.
    expect(await me(0, BAD_TOKEN)).toBe(401);
    expect(await me(0, BAD_TOKEN)).toBe(429);
    // While limited, not even a valid token is checked, on either server.
    expect(await me(0, adminToken)).toBe(429);
    expect(await me(1, adminToken)).toBe(429);
    const rows = await t.store.db.selectFrom('auth_failures').select('client_ip').execute();
    expect(rows.length).toBe(MAX + 1);
  });
});

describe('failed-authentication limit without its database', () => {
  it('still counts in the process when the shared log fails', async () => {
    const app = Fastify();
    installAccessControl(app, {
      authenticate: () => Promise.reject(new UnauthenticatedError('unknown token')),
      knownRoles: ['reader'],
      sharedFailures: { record: () => Promise.reject(new Error('database unreachable')) },
    });
    app.get('/api/probe', { config: { roles: ['reader'] } }, () => ({ ok: true }));
    try {
      const statuses: number[] = [];
      for (let i = 0; i <= MAX; i++) {
        const response = await app.inject({
          url: '/api/probe',
          headers: { authorization: `Bearer ${BAD_TOKEN}` },
        });
        statuses.push(response.statusCode);
      }
      expect(statuses.slice(0, MAX).includes(429)).toBe(false);
      expect(statuses[MAX]).toBe(429);
    } finally {
      await app.close();
    }
  });
});

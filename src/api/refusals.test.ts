import { auditCounts, lastAuditEntry } from '../../test/support/audit.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from './test-server.js';
import type { CallResult, TestServer } from './test-server.js';

const BODY_LIMIT = 8 * 1024;
const DAY = 24 * 60 * 60 * 1000;

function expectProblem(response: CallResult, status: number, kind: string): void {
  expect(response.status, response.text).toBe(status);
  expect(response.contentType).toMatch(/^application\/problem\+json/);
  expect(response.json).toMatchObject({ type: `urn:ratchet:problem:${kind}`, status });
  expect(typeof response.json.title).toBe('string');
  expect(typeof response.json.detail).toBe('string');
  // Nothing internal leaks: no stack traces, no SQL.
  expect(response.text).not.toMatch(/\bat .*\.ts:\d+|SQLITE|select |insert into/i);
}

describe('refusals: the right 4xx problem, and nothing changed', () => {
  let server: TestServer;
  let admin: string;
  const infra = '/api/v1/instances/acme%2Facme-prod/layers/infrastructure/revisions';

  async function state(): Promise<{ audit: number; refusals: number; revisions: number; tenants: number }> {
    const { changes, refusals } = await auditCounts(server.store);
    return {
      audit: changes,
      refusals,
      revisions: await server.store.repos.revisions.count(),
      tenants: (await server.store.repos.tenants.list()).length,
    };
  }

  /** Nothing changed but, for a refused write by a known caller (403/409), one refusal entry. */
  async function expectOnlyTheRefusal(before: Awaited<ReturnType<typeof state>>, status: number) {
    const refused = status === 403 || status === 409;
    expect(await state()).toEqual({ ...before, refusals: before.refusals + (refused ? 1 : 0) });
    if (refused) expect((await lastAuditEntry(server.store)).action).toBe('request.refused');
  }

  beforeAll(async () => {
    server = await startTestServer({ bodyLimit: BODY_LIMIT });
    admin = server.seed.users.providerAdmin.token;
  });
  afterAll(async () => server.close());

  it.each<[string, () => Promise<CallResult>, number, string, RegExp]>([
    [
      'malformed JSON',
      () => server.call('POST', '/api/v1/tenants', { token: admin, rawBody: '{"slug": "x",' }),
      400,
      'input',
      /not valid JSON/,
    ],
    [
      'a wrong type, naming the field',
      () => server.call('POST', '/api/v1/tenants', { token: admin, body: { slug: 'typo', name: 42 } }),
      400,
      'input',
      /body name/,
    ],
    [
      'a missing field, naming it',
      () => server.call('POST', infra, { token: admin, body: { expectedRevision: 0, content: {} } }),
      400,
      'input',
      /body reason/,
    ],
    [
      'content that does not fit the layer',
      () =>
        server.call('POST', infra, {
          token: admin,
          body: { expectedRevision: 99, reason: 'x', content: { version: 'not-semver' } },
        }),
      400,
      'input',
      /./,
    ],
    [
      'an oversized body',
      () =>
        server.call('POST', '/api/v1/tenants', {
          token: admin,
          body: { slug: 'big', name: 'x'.repeat(BODY_LIMIT * 2) },
        }),
      413,
      'payload-too-large',
      /limit/,
    ],
    [
      'an unsupported media type',
      () =>
        server.call('POST', '/api/v1/tenants', {
          token: admin,
          rawBody: 'slug=x',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
      415,
      'unsupported-media-type',
      /./,
    ],
    [
      'an unknown tenant',
      () =>
        server.call('POST', '/api/v1/tenants/nope/instances', {
          token: admin,
          body: { name: 'x', kind: 'test' },
        }),
      404,
      'not-found',
      /nope/,
    ],
    [
      'an unknown route',
      () => server.call('GET', '/api/v1/nothing-here', { token: admin }),
      404,
      'not-found',
      /No route/,
    ],
    [
      'no token',
      () => server.call('POST', '/api/v1/tenants', { body: { slug: 'anon', name: 'Anon' } }),
      401,
      'unauthenticated',
      /credentials/,
    ],
    [
      'an unknown token',
      () =>
        server.call('POST', '/api/v1/tenants', { token: 'rt_forged', body: { slug: 'forged', name: 'F' } }),
      401,
      'unauthenticated',
      /./,
    ],
    [
      'a role that may not create tenants',
      () =>
        server.call('POST', '/api/v1/tenants', {
          token: server.seed.users.providerEngineer.token,
          body: { slug: 'eng', name: 'Eng' },
        }),
      403,
      'not-allowed',
      /provider-engineer/,
    ],
    [
      'a stale expectedRevision',
      () =>
        server.call('POST', infra, {
          token: admin,
          body: {
            expectedRevision: 0,
            reason: 'late',
            content: { changes: { k: '1' }, description: 'late' },
          },
        }),
      409,
      'conflict',
      /./,
    ],
  ])('%s', async (_name, send, status, kind, detail) => {
    // The stale-revision case needs an existing revision to be stale against.
    if (
      (await server.store.repos.revisions.latestNumber(
        server.seed.instances.acmeProd.id,
        'infrastructure',
      )) === 0
    ) {
      const first = await server.call('POST', infra, {
        token: admin,
        body: {
          expectedRevision: 0,
          reason: 'first',
          content: { changes: { k: '1' }, description: 'first' },
        },
      });
      expect(first.status, first.text).toBe(201);
    }
    const before = await state();
    const response = await send();
    expectProblem(response, status, kind);
    expect(String(response.json.detail)).toMatch(detail);
    await expectOnlyTheRefusal(before, status);
  });

  it('names every invalid field of a request in `errors`', async () => {
    const response = await server.call('POST', '/api/v1/tenants', {
      token: admin,
      body: { slug: 'Bad Slug!' },
    });
    expectProblem(response, 400, 'input');
    const paths = (response.json.errors as { path: string }[]).map((e) => e.path).sort();
    expect(paths).toEqual(['name', 'slug']);
  });

  it('refuses a revoked token and an expired token with 401', async () => {
    const user = server.seed.users.ana.user.id;
    const issued = await server.call('POST', '/api/v1/tokens', {
      token: admin,
      body: { userId: user, expiresInDays: 1 },
    });
    expect(issued.status, issued.text).toBe(201);
    const token = String(issued.json.token);
    expect((await server.call('GET', '/api/v1/me', { token })).status).toBe(200);

    const revoked = await server.call(
      'DELETE',
      `/api/v1/tokens/${String((issued.json.info as { id: string }).id)}`,
      {
        token: admin,
      },
    );
    expect(revoked.status, revoked.text).toBe(200);
    expectProblem(await server.call('GET', '/api/v1/me', { token }), 401, 'unauthenticated');

    const shortLived = await server.call('POST', '/api/v1/tokens', {
      token: admin,
      body: { userId: user, expiresInDays: 1 },
    });
    const expiring = String(shortLived.json.token);
    expect((await server.call('GET', '/api/v1/me', { token: expiring })).status).toBe(200);
    server.advanceClock(2 * DAY);
    const before = await state();
    expectProblem(await server.call('GET', '/api/v1/me', { token: expiring }), 401, 'unauthenticated');
    expect(await state()).toEqual(before);
  });

  it('replays a retried POST with the same Idempotency-Key and refuses the key for another body', async () => {
    const headers = { 'idempotency-key': 'create-umbrella-1' };
    const body = { slug: 'umbrella', name: 'Umbrella' };
    const first = await server.call('POST', '/api/v1/tenants', { token: admin, body, headers });
    expect(first.status).toBe(201);
    const before = await state();

    const again = await server.call('POST', '/api/v1/tenants', { token: admin, body, headers });
    expect(again.status).toBe(201);
    expect(again.json.id).toBe(first.json.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await state()).toEqual(before);

    const other = await server.call('POST', '/api/v1/tenants', {
      token: admin,
      body: { slug: 'umbrella-2', name: 'Umbrella 2' },
      headers,
    });
    expectProblem(other, 409, 'conflict');
    expect(other.json.detail).toMatch(/Idempotency-Key/);
    await expectOnlyTheRefusal(before, 409);

    // Without the key, the same body is a new request: the slug is taken now.
    expectProblem(await server.call('POST', '/api/v1/tenants', { token: admin, body }), 409, 'conflict');
  });
});

/** The image lifecycle over real HTTP: problem+json refusals, downloads, the rollback happy path. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from './test-server.js';
import type { TestServer } from './test-server.js';

describe('image routes', () => {
  let server: TestServer;
  let bea: string;
  let pete: string;
  let ana: string;
  beforeAll(async () => {
    server = await startTestServer();
    bea = server.seed.users.bea.token;
    pete = server.seed.users.providerEngineer.token;
    ana = server.seed.users.ana.token;
  });
  afterAll(() => server.close());

  it('downloads requirements.txt and pylock.toml of the current image', async () => {
    const txt = await server.call('GET', '/api/v1/instances/acme%2Facme-prod/image/requirements.txt', {
      token: ana,
    });
    expect(txt.status).toBe(200);
    expect(txt.text).toMatch(/^dbt-core==1\.11\.0$/m);
    const lock = await server.call('GET', '/api/v1/instances/acme%2Facme-prod/image/pylock.toml', {
      token: ana,
    });
    expect(lock.text).toMatch(/name = "dbt-snowflake"/);
  });

  it('answers 409 to a rollback whose target marker is false for the image: pip would ignore it', async () => {
    const refused = await server.call('POST', '/api/v1/instances/acme%2Facme-prod/image/rollback-requests', {
      token: bea,
      body: { package: 'dbt-core', target: '==1.10.15 ; python_version < "2"', reason: 'broken models' },
    });
    expect(refused.status).toBe(409);
    expect(refused.contentType).toMatch(/problem\+json/);
    expect(refused.json.detail).toMatch(
      /its marker python_version < "2" is false for CPython 3\.12\.0 on linux x86_64, so on acme-prod a rollback request would change nothing/,
    );
    const listed = await server.call('GET', '/api/v1/instances/acme%2Facme-prod/image/rollback-requests', {
      token: bea,
    });
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.json)).not.toContain('python_version');
  });

  it('runs a rollback request through its steps and refuses out-of-order ones with problem+json', async () => {
    const requested = await server.call(
      'POST',
      '/api/v1/instances/acme%2Facme-prod/image/rollback-requests',
      {
        token: bea,
        body: { package: 'dbt-core', target: '==1.10.*', reason: 'broken models' },
      },
    );
    expect(requested.status).toBe(201);
    const id = requested.json.id as string;
    const early = await server.call('POST', `/api/v1/rollback-requests/${id}/accept`, {
      token: bea,
      body: { reportHash: requested.json.reportHash },
    });
    expect(early.status).toBe(409);
    expect(early.contentType).toMatch(/problem\+json/);
    expect(early.json.detail).toMatch(/provider-engineer/);
    const wrongRole = await server.call('POST', `/api/v1/rollback-requests/${id}/approve`, {
      token: ana,
      body: { reason: 'x' },
    });
    expect(wrongRole.status).toBe(403);
    const approved = await server.call('POST', `/api/v1/rollback-requests/${id}/approve`, {
      token: pete,
      body: { reason: 'ok', urgent: true },
    });
    expect(approved.json.state).toBe('approved');
    const accepted = await server.call('POST', `/api/v1/rollback-requests/${id}/accept`, {
      token: bea,
      body: { reportHash: requested.json.reportHash },
    });
    expect(accepted.status).toBe(200);
    // Urgent: production directly, no test stage.
    expect((accepted.json.stages as { instanceName: string }[]).map((s) => s.instanceName)).toEqual([
      'acme-prod',
    ]);
    const live = await server.call('POST', '/api/v1/instances/acme%2Facme-prod/image/deployment/confirm', {
      token: pete,
      body: {},
    });
    expect(live.json.state).toBe('deployed');
    const confirmed = await server.call('POST', `/api/v1/rollback-requests/${id}/confirm`, {
      token: bea,
      body: {},
    });
    expect(confirmed.json.state).toBe('resolved');
    const upgrade = await server.call('POST', '/api/v1/instances/acme%2Facme-prod/image/upgrade-requests', {
      token: bea,
      body: { requirements: ['dbt-core>=1.11'], reason: 'again' },
    });
    expect(upgrade.status).toBe(409);
    expect(upgrade.json.detail).toMatch(/rollback pin/);
  });
});

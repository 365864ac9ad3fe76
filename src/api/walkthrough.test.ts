import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from './test-server.js';
import type { TestServer } from './test-server.js';

const infrastructure = (kubernetes: string) => ({
  changes: { kubernetes },
  description: `Kubernetes ${kubernetes}`,
});
const platform = (version: string) => ({ version, components: { airflow: '2.10.3', python: '3.12' } });
const image = (dbt: string) => ({
  python: '3.12',
  platform: '3.4.0',
  index: 'https://pypi.org/simple',
  packages: [{ name: 'dbt-core', version: dbt }],
});

describe('API walkthrough over real HTTP', () => {
  let server: TestServer;
  let admin: string;

  beforeAll(async () => {
    server = await startTestServer();
    admin = server.seed.users.providerAdmin.token;
  });
  afterAll(async () => server.close());

  it('creates a tenant and its instances, then records revisions on all three layers', async () => {
    const tenant = await server.call('POST', '/api/v1/tenants', {
      token: admin,
      body: { slug: 'initech', name: 'Initech' },
    });
    expect(tenant.status).toBe(201);
    expect(tenant.json).toMatchObject({ slug: 'initech', name: 'Initech' });

    const test = await server.call('POST', '/api/v1/tenants/initech/instances', {
      token: admin,
      body: { name: 'test', kind: 'test' },
    });
    expect(test.status).toBe(201);
    const prod = await server.call('POST', '/api/v1/tenants/initech/instances', {
      token: admin,
      body: { name: 'prod', kind: 'production', testInstance: test.json.id },
    });
    expect(prod.status).toBe(201);
    expect(prod.json.testInstanceId).toBe(test.json.id);

    const listed = await server.call('GET', '/api/v1/tenants/initech/instances', { token: admin });
    expect((listed.json.instances as { name: string }[]).map((i) => i.name).sort()).toEqual(['prod', 'test']);

    const base = `/api/v1/instances/${String(prod.json.id)}/layers`;
    // Onboarding: the first revision of each layer records what the instance already runs; the
    // image layer then moves forward directly, the other two only through their workflows.
    for (const [layer, content] of [
      ['infrastructure', infrastructure('1.30')],
      ['platform', platform('3.4.0')],
      ['image', image('1.10.2')],
      ['image', image('1.11.0')],
    ] as const) {
      const history = await server.call('GET', `${base}/${layer}/revisions`, { token: admin });
      const seen = (history.json.revisions as unknown[]).length;
      const recorded = await server.call('POST', `${base}/${layer}/revisions`, {
        token: admin,
        body: { expectedRevision: seen, reason: `move ${layer} forward`, content },
      });
      expect(recorded.status, recorded.text).toBe(201);
      expect(recorded.json).toMatchObject({ layer, number: seen + 1, status: 'pending' });
      const deployed = await server.call('POST', `${base}/${layer}/revisions/${seen + 1}/deployed`, {
        token: admin,
        body: {},
      });
      expect(deployed.status, deployed.text).toBe(200);
      expect(deployed.json.status).toBe('deployed');
    }
    for (const [layer, content, policy, workflow] of [
      ['infrastructure', infrastructure('1.31'), 'infrastructure-tested-by-both', /ratchet infra plan/],
      ['platform', platform('3.5.0'), 'platform-via-release', /ratchet platform rollout/],
    ] as const) {
      const direct = await server.call('POST', `${base}/${layer}/revisions`, {
        token: admin,
        body: { expectedRevision: 1, reason: 'skip the workflow', content },
      });
      expect(direct.status, direct.text).toBe(409);
      expect(direct.json).toMatchObject({ policy, latestRevision: 1 });
      expect(direct.json.remedy).toMatch(workflow);
      const history = await server.call('GET', `${base}/${layer}/revisions`, { token: admin });
      expect((history.json.revisions as unknown[]).length).toBe(1);
    }
  });

  it.each([
    ['infrastructure', 'infrastructure-final'],
    ['platform', 'platform-forward-fix'],
  ])(
    'refuses to roll back %s with a 409 problem naming the policy, why, and what to do',
    async (layer, policy) => {
      const response = await server.call(
        'POST',
        `/api/v1/instances/initech%2Fprod/layers/${layer}/rollback`,
        {
          token: admin,
          body: { toRevision: 1 },
        },
      );
      expect(response.status).toBe(409);
      expect(response.contentType).toMatch(/^application\/problem\+json/);
      expect(response.json).toMatchObject({ type: 'urn:ratchet:problem:policy', status: 409, policy });
      expect(response.json.detail).toMatch(/rollback policy says/);
      expect(String(response.json.remedy).length).toBeGreaterThan(10);
      expect(response.json.instance).toBe(`/api/v1/instances/initech%2Fprod/layers/${layer}/rollback`);
    },
  );

  it('points an image rollback at the rollback-request workflow instead of doing it', async () => {
    const response = await server.call('POST', '/api/v1/instances/initech%2Fprod/layers/image/rollback', {
      token: admin,
      body: { toRevision: 1 },
    });
    expect(response.status).toBe(409);
    expect(response.json.policy).toBe('image-rollback-by-request');
    expect(response.json.remedy).toMatch(/rollback request/);
  });

  it('refuses a platform downgrade as a policy problem and records nothing', async () => {
    const path = '/api/v1/instances/initech%2Fprod/layers/platform/revisions';
    const before = await server.call('GET', path, { token: admin });
    const count = (before.json.revisions as unknown[]).length;
    const response = await server.call('POST', path, {
      token: admin,
      body: { expectedRevision: count, reason: 'go back', content: platform('3.3.9') },
    });
    expect(response.status).toBe(409);
    expect(response.json).toMatchObject({ policy: 'platform-version-increases' });
    expect(response.json.remedy).toMatch(/hotfix/);
    const after = await server.call('GET', path, { token: admin });
    expect((after.json.revisions as unknown[]).length).toBe(count);
  });

  it('serves the rollback policy and responsibility matrix from the domain data', async () => {
    const response = await server.call('GET', '/api/v1/policy', { token: server.seed.users.ana.token });
    expect(response.status).toBe(200);
    const layers = response.json.layers as { layer: string; capability: string }[];
    expect(layers.map((l) => [l.layer, l.capability])).toEqual([
      ['infrastructure', 'never'],
      ['platform', 'never'],
      ['image', 'by-request'],
    ]);
    expect((response.json.responsibilities as unknown[]).length).toBe(4);
  });

  it('keeps an intact audit chain across all of it', async () => {
    const log = await server.call('GET', '/api/v1/audit?limit=1000', { token: admin });
    const actions = (log.json.entries as { action: string }[]).map((e) => e.action);
    expect(actions).toContain('tenant.create');
    const verify = await server.call('POST', '/api/v1/audit/verify', { token: admin, body: {} });
    expect(verify.status).toBe(200);
    expect(verify.json).toMatchObject({ ok: true });
    expect(verify.json.entries).toBe(actions.length);
  });

  it('answers who the caller is', async () => {
    const me = await server.call('GET', '/api/v1/me', { token: server.seed.users.bea.token });
    expect(me.status).toBe(200);
    expect(me.json.userId).toBe(server.seed.users.bea.user.id);
  });

  it('serves health, readiness, metrics, OpenAPI 3.1 and a landing page without a token', async () => {
    expect((await server.call('GET', '/healthz')).json).toEqual({ status: 'ok' });
    expect((await server.call('GET', '/readyz')).json).toEqual({ status: 'ready' });
    const openapi = await server.call('GET', '/openapi.json');
    expect(openapi.json.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.json.paths as object)).toContain(
      '/api/v1/instances/{instanceId}/layers/{layer}/rollback',
    );
    const metrics = await server.call('GET', '/metrics');
    expect(metrics.text).toMatch(
      /ratchet_http_requests_total\{[^}]*route="\/api\/v1\/tenants"[^}]*status="201"/,
    );
    expect(metrics.text).toMatch(/process_cpu_user_seconds_total/);
    const landing = await server.call('GET', '/');
    expect(landing.contentType).toMatch(/text\/html/);
    expect(landing.text).toContain('/openapi.json');
  });
});

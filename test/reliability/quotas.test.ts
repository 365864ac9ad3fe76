/**
 * Issue 13, item 2: per-tenant quotas. An ingestion token over its events or bytes per second, a
 * tenant over its shared figure, and a tenant over its reports per minute get 429 problem+json with
 * Retry-After, nothing is stored, and another tenant is not affected.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_QUOTAS, quotasFromEnv } from '../../src/api/quotas.js';
import type { QuotaConfig } from '../../src/api/quotas.js';
import { startTestServer } from '../../src/api/test-server.js';
import type { CallResult, TestServer } from '../../src/api/test-server.js';
import { countRunEvents } from '../../src/workflows/evidence/index.js';

// Refill of 1 event, 1 KiB and 1 report per second at most: nothing refills noticeably mid-test.
const QUOTAS: QuotaConfig = {
  tokenEventsPerSec: 1,
  tokenBytesPerSec: 1024 * 1024,
  tenantEventsPerSec: 1.5,
  tenantBytesPerSec: 10 * 1024 * 1024,
  reportsPerMin: 2,
  burstSec: 10,
};

function events(n: number, namespace: string): string {
  return Array.from({ length: n }, () =>
    JSON.stringify({
      eventType: 'COMPLETE',
      eventTime: new Date().toISOString(),
      producer: 'https://github.com/apache/airflow',
      schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
      run: { runId: randomUUID(), facets: {} },
      job: { namespace, name: 'quota_dag.task', facets: {} },
    }),
  ).join('\n');
}

function expectOverQuota(answer: CallResult, quota: RegExp): void {
  expect(answer.status, answer.text).toBe(429);
  expect(answer.contentType).toMatch(/application\/problem\+json/);
  expect(answer.json.type).toBe('urn:ratchet:problem:too-many-requests');
  expect(String(answer.json.detail)).toMatch(quota);
  expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
}

describe('quotas', () => {
  let server: TestServer;
  const tokens: Record<string, string> = {};

  async function issue(tenant: string, label: string, admin: string): Promise<string> {
    const issued = await server.call('POST', `/api/v1/tenants/${tenant}/ingestion-tokens`, {
      token: admin,
      body: { label },
    });
    expect(issued.status, issued.text).toBe(201);
    return String(issued.json.token);
  }
  const post = (token: string, body: string) =>
    server.call('POST', '/api/v1/lineage', {
      token,
      rawBody: body,
      headers: { 'content-type': 'application/x-ndjson' },
    });

  beforeAll(async () => {
    server = await startTestServer({ quotas: QUOTAS });
    tokens.acme1 = await issue('acme', 'one', server.seed.users.bea.token);
    tokens.acme2 = await issue('acme', 'two', server.seed.users.bea.token);
    tokens.globex = await issue('globex', 'g', server.seed.users.globexAdmin.token);
    const namespaces = await server.call('PUT', '/api/v1/instances/globex%2Fglobex-prod/namespaces', {
      token: server.seed.users.globexAdmin.token,
      body: { namespaces: ['globex-prod-airflow'] },
    });
    expect(namespaces.status, namespaces.text).toBe(200);
  });
  afterAll(() => server.close());

  it('refuses a token over its events per second with 429 and Retry-After, storing nothing', async () => {
    expect((await post(tokens.acme1!, events(10, 'acme-prod-airflow'))).status).toBe(201);
    const before = await countRunEvents(server.store.db);
    const over = await post(tokens.acme1!, events(5, 'acme-prod-airflow'));
    expectOverQuota(over, /events per second per token/);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(4);
    expect(await countRunEvents(server.store.db)).toBe(before);
  });

  it("charges the tenant's shared figure across its tokens, and leaves other tenants alone", async () => {
    // Token two is fresh (10 events of burst), but the tenant bucket (15) has 5 left after token one's 10.
    const over = await post(tokens.acme2!, events(8, 'acme-prod-airflow'));
    expectOverQuota(over, /events per second per tenant/);
    expect((await post(tokens.globex!, events(10, 'globex-prod-airflow'))).status).toBe(201);
  });

  it('refuses a body over the bytes per second before parsing it', async () => {
    const strict = await startTestServer({
      quotas: { ...QUOTAS, tokenEventsPerSec: 0, tokenBytesPerSec: 100 },
    });
    try {
      const issued = await strict.call('POST', '/api/v1/tenants/acme/ingestion-tokens', {
        token: strict.seed.users.bea.token,
        body: { label: 'bytes' },
      });
      // Not even valid JSON: bytes are charged, and refused, before any parsing.
      const send = () =>
        strict.call('POST', '/api/v1/lineage', {
          token: String(issued.json.token),
          rawBody: 'x'.repeat(800),
          headers: { 'content-type': 'application/x-ndjson' },
        });
      expect((await send()).status).toBe(400);
      expectOverQuota(await send(), /bytes per second per token/);
    } finally {
      await strict.close();
    }
  });

  it('refuses reports over the per-minute quota, per tenant', async () => {
    const impact = (token: string, instance: string) =>
      server.call('GET', `/api/v1/instances/${instance}/impact?change=dbt-core==1.10.*`, { token });
    const bea = server.seed.users.bea.token;
    expect((await impact(bea, 'acme%2Facme-prod')).status).toBe(200);
    expect((await impact(bea, 'acme%2Facme-prod')).status).toBe(200);
    expectOverQuota(await impact(bea, 'acme%2Facme-prod'), /reports per minute/);
    // A rollback request builds a report too: refused before anything is recorded.
    const rollback = await server.call('POST', '/api/v1/instances/acme%2Facme-prod/image/rollback-requests', {
      token: bea,
      body: { package: 'dbt-core', target: '==1.10.*', reason: 'The quota test needs a rollback request.' },
    });
    expectOverQuota(rollback, /reports per minute/);
    // Globex's own budget is untouched (its instance has no image yet, hence a 400 and not a report).
    const globex = await impact(server.seed.users.globexAdmin.token, 'globex%2Fglobex-prod');
    expect(globex.status, globex.text).toBe(400);
    expect(String(globex.json.detail)).not.toMatch(/quota/);
  });

  it('reads its figures from the environment, 0 turning one off, and refuses a bad value', () => {
    expect(quotasFromEnv({})).toEqual(DEFAULT_QUOTAS);
    expect(quotasFromEnv({ RATCHET_REPORTS_PER_MIN: '0' }).reportsPerMin).toBe(0);
    expect(() => quotasFromEnv({ RATCHET_INGEST_TOKEN_EVENTS_PER_SEC: 'many' })).toThrow(
      /RATCHET_INGEST_TOKEN_EVENTS_PER_SEC/,
    );
  });
});

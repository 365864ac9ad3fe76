/**
 * The CI smoke of the load benchmark (bench/load.ts): a few seconds of concurrent reads and of
 * OpenLineage posts against a real server (SQLite). Asserts correctness under load (zero errors,
 * zero non-2xx, no 5xx), not speed: figures live in docs/benchmarks.md.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../../bench/load.js';
import { startTestServer } from '../../src/api/test-server.js';
import type { TestServer } from '../../src/api/test-server.js';
import { countRunEvents } from '../../src/workflows/evidence/index.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe('load smoke', () => {
  it('serves ~3 s of concurrent authenticated reads with zero errors and no non-2xx answer', async () => {
    const figures = await runLoad('smoke', {
      url: `${server.url}/api/v1/tenants`,
      token: server.seed.users.providerAdmin.token,
      connections: 8,
      durationSec: 3,
    });
    expect(figures.total).toBeGreaterThan(100);
    expect(figures.errors).toBe(0);
    expect(figures.non2xx).toBe(0);
  }, 30_000);

  it('ingests ~2 s of concurrent OpenLineage posts with zero errors, no non-2xx, and stores the event once', async () => {
    // Evidence comes in with a tenant's ingestion token, minted through the API as an emitter's is.
    const issued = await server.call('POST', '/api/v1/tenants/acme/ingestion-tokens', {
      token: server.seed.users.providerAdmin.token,
      body: { label: 'load smoke' },
    });
    expect(issued.status, issued.text).toBe(201);
    const namespace = server.seed.instances.acmeProd.namespaces[0] ?? 'acme-prod-airflow';
    // The same RunEvent every time (as bench/load.ts): the first post stores it, every later one is
    // an emitter's retry that must be answered 201 as a duplicate, never stored twice.
    const event = {
      eventType: 'COMPLETE',
      eventTime: new Date().toISOString(),
      producer: 'https://github.com/apache/airflow',
      schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
      run: { runId: randomUUID(), facets: {} },
      job: { namespace, name: 'load_smoke_dag.load_task', facets: {} },
    };
    const before = await countRunEvents(server.store.db);

    const figures = await runLoad('smoke lineage', {
      url: `${server.url}/api/v1/lineage`,
      method: 'POST',
      token: String(issued.json.token),
      body: JSON.stringify(event),
      connections: 8,
      durationSec: 2,
    });
    expect(figures.total).toBeGreaterThan(50);
    expect(figures.errors).toBe(0);
    expect(figures.non2xx).toBe(0);
    expect(await countRunEvents(server.store.db)).toBe(before + 1);
  }, 30_000);
});

/**
 * Issue 13, item 4: an Idempotency-Key holds under concurrent retries. Twelve parallel
 * `POST /api/v1/defects` with one key and one body create exactly one defect: on two real
 * `ratchet serve` processes sharing PostgreSQL, and on one server over SQLite. Every other attempt
 * either replays the stored answer (same defect id) or is told the first is still in progress (409
 * with Retry-After), and a retry after that replays the answer.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { largeBatch } from '../../bench/isolation.js';
import { startTestServer } from '../../src/api/test-server.js';
import { engines } from '../support/engines.js';
import type { EngineCase } from '../support/engines.js';
import { createSite, killStartedServers, seedSite, startServer } from '../support/processes.js';
import type { ServerProcess, Site } from '../support/processes.js';

const ATTEMPTS = 12;

interface Answer {
  status: number;
  retryAfter: string | null;
  replayed: string | null;
  json: Record<string, unknown>;
}

async function post(url: string, token: string, key: string, body: unknown): Promise<Answer> {
  const response = await fetch(`${url}/api/v1/defects`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    replayed: response.headers.get('idempotent-replayed'),
    json: JSON.parse(text) as Record<string, unknown>,
  };
}

async function defectIds(url: string, token: string, title: string): Promise<string[]> {
  const response = await fetch(`${url}/api/v1/defects`, { headers: { authorization: `Bearer ${token}` } });
  const { defects } = (await response.json()) as { defects: { id: string; title: string }[] };
  return defects.filter((defect) => defect.title === title).map((defect) => defect.id);
}

const sites: Site[] = [];
afterAll(async () => {
  await killStartedServers();
  for (const site of sites) await site.destroy();
});

async function raceOn(engine: EngineCase, processes: number): Promise<void> {
  const site = await createSite(engine);
  sites.push(site);
  const tokens = await seedSite(site);
  const servers: ServerProcess[] = [];
  for (let i = 0; i < processes; i++) servers.push(await startServer(site, { RATCHET_DELIVERY: 'off' }));
  const title = `Scheduler stuck (${engine})`;
  const body = {
    instance: 'acme/acme-prod',
    title,
    observed: 'The scheduler stopped queueing tasks after the platform update.',
    since: '2026-11-01',
  };
  const key = `defect-race-${engine}`;

  const answers = await Promise.all(
    Array.from({ length: ATTEMPTS }, (_, i) => post(servers[i % processes]!.url, tokens.bea, key, body)),
  );
  const created = answers.filter((a) => a.status === 201);
  const waiting = answers.filter((a) => a.status === 409);
  expect(created.length + waiting.length, JSON.stringify(answers.map((a) => [a.status, a.json.detail]))).toBe(
    ATTEMPTS,
  );
  expect(created.length).toBeGreaterThanOrEqual(1);
  const id = created[0]!.json.id;
  expect(new Set(created.map((a) => a.json.id))).toEqual(new Set([id]));
  for (const loser of waiting) {
    expect(String(loser.json.detail)).toMatch(/still in progress/);
    expect(loser.retryAfter).toBe('1');
  }
  // The clients that were told to wait retry: each gets the stored answer, nothing new is created.
  for (const server of servers) {
    const retry = await post(server.url, tokens.bea, key, body);
    expect(retry.status).toBe(201);
    expect(retry.json.id).toBe(id);
    expect(retry.replayed).toBe('true');
  }
  expect(await defectIds(servers[0]!.url, tokens.bea, title)).toEqual([id]);
}

describe('Idempotency-Key under concurrent retries', () => {
  it.skipIf(!engines.includes('postgres'))(
    'two server processes on one PostgreSQL database create one defect from 12 parallel attempts',
    () => raceOn('postgres', 2),
    120_000,
  );

  it('one server on SQLite creates one defect from 12 parallel attempts', () => raceOn('sqlite', 1), 120_000);
});

describe('Idempotency-Key on a raw body', () => {
  it('replays an OpenLineage batch (bytes, hashed as sent) and refuses the key for other bytes', async () => {
    const server = await startTestServer();
    try {
      const issued = await server.call('POST', '/api/v1/tenants/acme/ingestion-tokens', {
        token: server.seed.users.bea.token,
        body: { label: 'idempotent batch' },
      });
      const token = String(issued.json.token);
      const body = largeBatch(500, 4 * 1024 * 1024);
      const headers = { 'content-type': 'application/x-ndjson', 'idempotency-key': 'batch-1' };
      const started = Date.now();
      const first = await server.call('POST', '/api/v1/lineage', { token, rawBody: body, headers });
      expect(first.status, first.text).toBe(201);
      expect(first.json).toMatchObject({ stored: 500, duplicates: 0, ignored: 0, facetsDropped: 0 });
      const again = await server.call('POST', '/api/v1/lineage', { token, rawBody: body, headers });
      expect(again.status).toBe(201);
      expect(again.json).toEqual(first.json);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      // A generous bound: walking the bytes as a JSON object took minutes for 4 MiB.
      expect(Date.now() - started).toBeLessThan(30_000);
      const other = await server.call('POST', '/api/v1/lineage', {
        token,
        rawBody: largeBatch(10, 10_000),
        headers,
      });
      expect(other.status).toBe(409);
    } finally {
      await server.close();
    }
  }, 60_000);
});

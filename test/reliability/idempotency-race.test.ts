/**
 * Issue 13, item 4: an Idempotency-Key holds under concurrent retries. Twelve parallel
 * `POST /api/v1/defects` with one key and one body create exactly one defect: on two real
 * `ratchet serve` processes sharing PostgreSQL, and on one server over SQLite. Every other attempt
 * either replays the stored answer (same defect id) or is told the first is still in progress (409
 * with Retry-After), and a retry after that replays the answer.
 */
import { afterAll, describe, expect, it } from 'vitest';
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

/**
 * HTTP load (issue 8): autocannon at a fixed concurrency against a read endpoint and, when the
 * server has it, the OpenLineage endpoint, on SQLite and on PostgreSQL. Reports requests/s,
 * p50/p99 latency and the error count (which must be zero). Target on a 2-core machine: ≥ 2,000
 * reads/s with p99 < 50 ms.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { startServer } from '../src/api/index.js';
import { openStore } from '../src/store/index.js';
import type { Store } from '../src/store/index.js';
import { seedDemo } from '../src/workflows/index.js';
import { createScratchDatabase } from '../test/support/scratch-postgres.js';
import { machineLine, writeBenchmarkSection } from './report.js';

export interface LoadFigures {
  label: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  total: number;
}

export interface LoadTarget {
  url: string;
  method?: 'GET' | 'POST';
  token: string;
  body?: string;
  connections: number;
  durationSec: number;
}

/** One autocannon run (in a worker thread, so the load generator does not share the server's loop). */
export async function runLoad(label: string, target: LoadTarget): Promise<LoadFigures> {
  const result = await autocannon({
    url: target.url,
    method: target.method ?? 'GET',
    connections: target.connections,
    duration: target.durationSec,
    workers: 1,
    timeout: 10,
    headers: {
      authorization: `Bearer ${target.token}`,
      ...(target.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(target.body === undefined ? {} : { body: target.body }),
  });
  return {
    label,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    total: result.requests.total,
  };
}

interface Engine {
  name: string;
  open(): Promise<{ store: Store; cleanup(): Promise<void> }>;
}

const ENGINES: Engine[] = [
  {
    name: 'sqlite',
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'ratchet-load-'));
      const store = await openStore({ dataDir: dir });
      return { store, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'postgres',
    async open() {
      const database = await createScratchDatabase('ratchet_load');
      const store = await openStore({ databaseUrl: database.url, poolSize: 10 });
      return { store, cleanup: database.drop };
    },
  },
];

/**
 * One COMPLETE event in acme-prod's Airflow namespace. autocannon sends the same body each time, so
 * after the first request every post is a replay: parsed, attributed and refused as a duplicate by
 * the unique key, which is the idempotent path emitters' retries take.
 */
function lineageEvent(namespace: string): string {
  return JSON.stringify({
    eventType: 'COMPLETE',
    eventTime: new Date().toISOString(),
    producer: 'https://github.com/apache/airflow',
    schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
    run: { runId: randomUUID(), facets: {} },
    job: { namespace, name: 'load_dag.load_task', facets: {} },
  });
}

const CONNECTIONS = 10;
const DURATION_SEC = 10;

export async function run(): Promise<void> {
  const rows: LoadFigures[] = [];
  const skipped: string[] = [];
  for (const engine of ENGINES) {
    let opened: Awaited<ReturnType<Engine['open']>>;
    try {
      opened = await engine.open();
    } catch (error) {
      skipped.push(`${engine.name}: ${(error as Error).message}`);
      continue;
    }
    const { store } = opened;
    try {
      const seed = await seedDemo(store);
      const token = seed.users.providerAdmin.token;
      const { app, url } = await startServer({ store, logger: false, port: 0, host: '127.0.0.1' });
      try {
        const doc = (await (await fetch(`${url}/openapi.json`)).json()) as { paths: Record<string, object> };
        const read = {
          url: `${url}/api/v1/tenants`,
          token,
          connections: CONNECTIONS,
          durationSec: DURATION_SEC,
        };
        await runLoad('warm-up', { ...read, durationSec: 2 });
        rows.push(await runLoad(`${engine.name}: GET /api/v1/tenants`, read));
        const lineage = doc.paths['/api/v1/lineage'];
        if (lineage !== undefined && 'post' in lineage) {
          // Evidence comes in with a tenant's ingestion token, never a person's.
          const issued = await fetch(`${url}/api/v1/tenants/acme/ingestion-tokens`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ label: 'load benchmark' }),
          });
          const { token: ingestToken } = (await issued.json()) as { token: string };
          const namespace = seed.instances.acmeProd.namespaces[0] ?? 'acme-prod-airflow';
          rows.push(
            await runLoad(`${engine.name}: POST /api/v1/lineage`, {
              ...read,
              token: ingestToken,
              url: `${url}/api/v1/lineage`,
              method: 'POST',
              body: lineageEvent(namespace),
            }),
          );
        } else {
          skipped.push(`${engine.name}: POST /api/v1/lineage is not in /openapi.json yet`);
        }
      } finally {
        await app.close();
      }
    } finally {
      await store.close();
      await opened.cleanup();
    }
  }
  for (const row of rows) {
    console.log(
      `${row.label}: ${row.requestsPerSecond.toFixed(0)} req/s, p50 ${String(row.p50)} ms, p99 ${String(row.p99)} ms, errors ${String(row.errors)}, non-2xx ${String(row.non2xx)}`,
    );
  }
  const table = [
    '| run | requests/s | p50 | p99 | errors | non-2xx | requests |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (row) =>
        `| ${row.label} | ${row.requestsPerSecond.toFixed(0)} | ${String(row.p50)} ms | ${String(row.p99)} ms | ${String(row.errors)} | ${String(row.non2xx)} | ${String(row.total)} |`,
    ),
  ];
  await writeBenchmarkSection(
    'load',
    [
      '## load: HTTP throughput and latency',
      '',
      `Command: \`npm run bench -- load\`. autocannon (in a worker thread of the same process), ${String(CONNECTIONS)} connections, ${String(DURATION_SEC)} s per run after a 2 s warm-up, a provider-admin token for reads and a tenant ingestion token for lineage (the same event each time, so every post after the first is an idempotent duplicate), loopback. Target: ≥ 2,000 reads/s and p99 < 50 ms; errors must be 0.`,
      machineLine(),
      '',
      ...table,
      ...(skipped.length > 0 ? ['', ...skipped.map((line) => `Not measured: ${line}.`)] : []),
    ].join('\n'),
  );
}

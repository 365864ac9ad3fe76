/**
 * Tenant isolation under load (issue 13): while one tenant (acme) sends the largest inputs the
 * limits allow, another tenant's admin (globex) keeps calling `GET /api/v1/me`. The server is a real
 * `ratchet serve` process on SQLite (the client and the attack payloads live in this process, so
 * their work never lands on the server's event loop). Reports p50/p99/max of the probe during each
 * attack next to the same figures on the idle server. Target: p99 < 100 ms.
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { DEFAULT_WORK_LIMITS } from '../src/workflows/limits.js';
import { seedDemo } from '../src/workflows/index.js';
import { createSite, killStartedServers, startServer } from '../test/support/processes.js';
import type { ServerProcess, Site } from '../test/support/processes.js';
import { formatMs, machineLine, writeBenchmarkSection } from './report.js';

export interface IsolationSite {
  site: Site;
  server: ServerProcess;
  /** acme's customer admin and its ingestion token: the attacker. */
  attackerAdmin: string;
  attackerIngest: string;
  /** globex's customer admin: the other tenant, probing. */
  victim: string;
}

export interface AttackAnswer {
  status: number;
  body: Record<string, unknown>;
}

export interface Attack {
  name: string;
  /**
   * Builds the payload (before the probe starts: 30 MiB of JSON takes this process's own loop a
   * while) and returns the function that sends it, resolving with every answer it got.
   */
  prepare(target: IsolationSite): () => Promise<AttackAnswer[]>;
}

async function send(
  url: string,
  token: string,
  method: string,
  path: string,
  body: string | Buffer | undefined,
  contentType = 'application/json',
): Promise<AttackAnswer> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': contentType }),
    },
    body,
  });
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { text: text.slice(0, 200) };
  }
  return { status: response.status, body: parsed };
}

/** Starts a server on a fresh SQLite site seeded with the demo, and mints acme's ingestion token. */
export async function startIsolationSite(env: Record<string, string> = {}): Promise<IsolationSite> {
  const site = await createSite('sqlite');
  const store = await site.open();
  let attackerAdmin: string;
  let victim: string;
  try {
    const seed = await seedDemo(store);
    attackerAdmin = seed.users.bea.token;
    victim = seed.users.globexAdmin.token;
  } finally {
    await store.close();
  }
  const server = await startServer(site, { RATCHET_DELIVERY: 'off', ...env });
  const issued = await send(
    server.url,
    attackerAdmin,
    'POST',
    '/api/v1/tenants/acme/ingestion-tokens',
    JSON.stringify({ label: 'isolation' }),
  );
  if (issued.status !== 201)
    throw new Error(`ingestion token: ${issued.status} ${JSON.stringify(issued.body)}`);
  return { site, server, attackerAdmin, attackerIngest: String(issued.body.token), victim };
}

export async function stopIsolationSite(target: IsolationSite): Promise<void> {
  await target.server.stop();
  await target.site.destroy();
}

/**
 * The largest dbt_project.yml accepted, built from the shape the `yaml` package is slowest on (a
 * quoted scalar over thousands of unindented lines: every line is an error with its own context).
 */
export function pathologicalYaml(bytes = DEFAULT_WORK_LIMITS.yamlMaxBytes): string {
  const head = 'name: finance\nrequire-dbt-version: "';
  return head + 'a\n'.repeat(Math.floor((bytes - head.length - 2) / 2)) + '"\n';
}

/** The most events one request may carry, padded so the body is about `bytes` (under the 32 MiB limit). */
export function largeBatch(events = DEFAULT_WORK_LIMITS.lineageMaxEvents, bytes = 30 * 1024 * 1024): string {
  const padding = 'x'.repeat(Math.max(0, Math.floor(bytes / events) - 420));
  const time = new Date().toISOString();
  const lines: string[] = [];
  for (let i = 0; i < events; i++) {
    lines.push(
      JSON.stringify({
        eventType: 'COMPLETE',
        eventTime: time,
        producer: 'https://github.com/apache/airflow',
        schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
        run: {
          runId: randomUUID(),
          facets: { note: { _producer: 'bench', _schemaURL: 'bench', text: padding } },
        },
        job: { namespace: 'acme-prod-airflow', name: `isolation_dag.task_${i % 50}`, facets: {} },
      }),
    );
  }
  return lines.join('\n');
}

export const ATTACKS: Attack[] = [
  {
    name: 'dbt_project.yml at the size limit (64 KiB, the YAML parser’s slowest shape), 4 at once',
    prepare(target) {
      const yaml = Buffer.from(pathologicalYaml());
      return () =>
        Promise.all(
          Array.from({ length: 4 }, () =>
            send(
              target.server.url,
              target.attackerAdmin,
              'POST',
              '/api/v1/tenants/acme/constraints',
              yaml,
              'application/yaml',
            ),
          ),
        );
    },
  },
  {
    name: 'NDJSON batch at the limits (5,000 events, 30 MiB)',
    prepare(target) {
      const body = Buffer.from(largeBatch());
      return async () => [
        await send(
          target.server.url,
          target.attackerIngest,
          'POST',
          '/api/v1/lineage',
          body,
          'application/x-ndjson',
        ),
      ];
    },
  },
  {
    name: 'image rollback request (dependency review + impact report)',
    prepare(target) {
      return async () => [
        await send(
          target.server.url,
          target.attackerAdmin,
          'POST',
          '/api/v1/instances/acme%2Facme-prod/image/rollback-requests',
          JSON.stringify({
            package: 'dbt-core',
            target: '==1.10.*',
            reason: 'Isolation benchmark: a full review.',
          }),
        ),
      ];
    },
  },
];

/**
 * Calls `GET /api/v1/me` as the victim back to back (10 ms apart) until `until` settles; returns
 * each call's latency in ms and every status seen.
 */
export async function probeDuring<T>(
  target: IsolationSite,
  until: Promise<T>,
): Promise<{ latencies: number[]; statuses: Set<number>; result: T }> {
  let done = false;
  const settled = until.finally(() => {
    done = true;
  });
  const latencies: number[] = [];
  const statuses = new Set<number>();
  const probe = (async () => {
    while (!done) {
      const started = performance.now();
      const response = await fetch(`${target.server.url}/api/v1/me`, {
        headers: { authorization: `Bearer ${target.victim}` },
      });
      await response.arrayBuffer();
      latencies.push(performance.now() - started);
      statuses.add(response.status);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  const result = await settled;
  await probe;
  return { latencies, statuses, result };
}

function percentile(samples: readonly number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

export async function run(): Promise<void> {
  const target = await startIsolationSite();
  const rows: string[] = [];
  try {
    const row = (name: string, latencies: number[], answers: string, ms: number): void => {
      rows.push(
        `| ${name} | ${latencies.length} | ${formatMs(percentile(latencies, 0.5))} | ${formatMs(percentile(latencies, 0.99))} | ${formatMs(Math.max(...latencies))} | ${answers} | ${formatMs(ms)} |`,
      );
      console.log(rows.at(-1));
    };
    // Warm the server (first requests compile routes) before the idle baseline.
    await probeDuring(target, new Promise((resolve) => setTimeout(resolve, 1000)));
    const idle = await probeDuring(target, new Promise((resolve) => setTimeout(resolve, 3000)));
    row('idle server', idle.latencies, '—', 3000);
    for (const attack of ATTACKS) {
      const started = performance.now();
      const send = attack.prepare(target);
      const measured = await probeDuring(target, send());
      const answers = measured.result.map((answer) => answer.status).join(', ');
      row(attack.name, measured.latencies, answers, performance.now() - started);
    }
  } finally {
    await stopIsolationSite(target).catch(() => killStartedServers());
  }
  const load = loadavg()
    .map((n) => n.toFixed(1))
    .join(' / ');
  await writeBenchmarkSection(
    'isolation',
    `## Isolation: another tenant's reads while one tenant sends the largest inputs (issue 13)

Command: \`npm run bench -- isolation\` (bench/isolation.ts). A real \`ratchet serve\` process on SQLite with the
default limits and quotas (worker threads: the default); in the benchmark process, globex's admin calls
\`GET /api/v1/me\` back to back (10 ms apart) while acme sends each attack; the figures are that probe's
latencies. Target: p99 < 100 ms.
${machineLine()} Load average at the end: ${load} (other work on the machine inflates p99 first: on
a machine at load 20+ the idle server's own p99 was 66 ms).

| during | probe calls | p50 | p99 | max | attack answers | attack took |
| --- | ---: | ---: | ---: | ---: | --- | ---: |
${rows.join('\n')}
`,
  );
}

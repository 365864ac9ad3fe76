/**
 * Evidence ingestion at scale (issue 5): N OpenLineage events (default 1,000,000; scale with
 * RATCHET_BENCH_EVENTS) for 50 instances, 5,000 jobs, 500 users and 20 image revisions, posted as
 * NDJSON batches to POST /api/v1/lineage, on SQLite and PostgreSQL. Reports events/s, one impact
 * report for the busiest instance, and peak RSS. The ceiling loads the same, already attributed
 * rows without HTTP, parsing or attribution: COPY on PostgreSQL, multi-row INSERTs on SQLite.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { UNLIMITED_QUOTAS } from '../src/api/quotas.js';
import { startServer } from '../src/api/server.js';
import { extractRunEvidence, parseEventBatch } from '../src/impact/index.js';
import type { Engine, Store } from '../src/store/index.js';
import { bootstrapAdmin, createInstance, createTenant } from '../src/workflows/index.js';
import { issueIngestionToken } from '../src/workflows/evidence/index.js';
import { loadEvidenceContext } from '../src/workflows/evidence/context.js';
import { countRunEvents, runEventRow } from '../src/store/index.js';
import type { StoredEvent } from '../src/store/index.js';
import { openBenchStore } from './bench-store.js';
import type { BenchStore } from './bench-store.js';
import { formatMs, machineLine, writeBenchmarkSection } from './report.js';

const EVENTS = Number(process.env['RATCHET_BENCH_EVENTS'] ?? 1_000_000);
const BATCH = 2_000;
const INSTANCES = 50;
const JOBS = 5_000;
const USERS = 500;
const REVISIONS = 20;
const DAY_MS = 86_400_000;

let peakRss = 0;
/**
 * Live memory, not allocator slack: RSS keeps pages the GC has freed, so "does memory grow with
 * the number of events" is answered by the heap after a full collection (`node --expose-gc`).
 */
function heapAfterGc(): number {
  global.gc?.();
  return process.memoryUsage().heapUsed;
}

function sampleRss(): void {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}

/** Event `i` of the stream, generated on demand so the generator holds no state. */
function eventAt(i: number, now: number): Record<string, unknown> {
  const run = Math.floor(i / 2);
  // A run's START and its terminal event belong to the same job.
  const job = run % JOBS;
  // Instance 0 gets a double share: the "busiest instance" of the report.
  const instance = job % (INSTANCES + 1) === INSTANCES ? 0 : job % (INSTANCES + 1);
  const time = now - 29 * DAY_MS + Math.floor((run / Math.max(1, EVENTS / 2)) * 29 * DAY_MS);
  const revision =
    1 + Math.min(REVISIONS - 1, Math.floor(((time - (now - 29 * DAY_MS)) / (29 * DAY_MS)) * REVISIONS));
  const terminal = i % 2 === 1;
  return {
    eventType: terminal ? ((run * 7) % 13 === 0 ? 'FAIL' : 'COMPLETE') : 'START',
    eventTime: new Date(time + (terminal ? 60_000 : 0)).toISOString(),
    producer: 'https://github.com/apache/airflow/tree/providers-openlineage/2.3.0',
    schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
    run: {
      // OpenLineage 2-0-2 run ids are UUIDs: the run number in the last group.
      runId: `00000000-0000-4000-8000-${String(run).padStart(12, '0')}`,
      facets: {
        airflow: { dag: { dag_id: `dag_${String(job)}`, owner: `user${String(job % USERS)}` } },
        ratchet: { imageRevision: revision },
      },
    },
    job: {
      namespace: `ns-${String(instance)}`,
      name: `dag_${String(job)}`,
      facets: {
        sourceCodeLocation: {
          type: 'git',
          url: 'https://git.example/x.git',
          version: `c${String(job % 97)}`,
        },
      },
    },
    inputs: [],
    outputs: [],
  };
}

function ndjsonBatch(from: number, to: number, now: number): string {
  const lines: string[] = [];
  for (let i = from; i < to; i++) lines.push(JSON.stringify(eventAt(i, now)));
  return `${lines.join('\n')}\n`;
}

/** Tenant, 50 instances with one namespace each, 20 deployed image revisions on each. */
async function prepare(store: Store): Promise<{ tenantId: string; busiest: string; token: string }> {
  const boot = await bootstrapAdmin(store);
  if (!boot.created) throw new Error('the bench store is not empty');
  const admin = { userId: boot.user.id, name: boot.user.name, role: boot.user.role, tenantId: null };
  const tenant = await createTenant(store, admin, { slug: 'bench', name: 'Bench' });
  let busiest = '';
  for (let n = 0; n < INSTANCES; n++) {
    const instance = await createInstance(store, admin, {
      tenant: 'bench',
      name: `inst-${String(n)}`,
      kind: 'production',
      namespaces: [`ns-${String(n)}`],
    });
    if (n === 0) busiest = instance.id;
    // Revisions are appended through the repository: this measures evidence, not the image workflow.
    await store.transaction(async (tx) => {
      for (let r = 1; r <= REVISIONS; r++) {
        const revision = await tx.revisions.append(
          {
            instanceId: instance.id,
            tenantId: tenant.id,
            layer: 'image',
            actorUserId: admin.userId,
            actorRole: admin.role,
            reason: 'bench',
            content: {
              python: '3.12',
              platform: '3.4.0',
              index: 'https://pypi.org/simple',
              packages: [{ name: 'dbt-core', version: `1.${String(r)}.0` }],
            },
            rollbackOf: null,
          },
          r - 1,
        );
        await tx.revisions.setStatus(revision.id, revision.version, 'deployed');
      }
    });
  }
  const issued = await issueIngestionToken(store, admin, { tenant: 'bench' });
  return { tenantId: tenant.id, busiest, token: issued.token };
}

interface Figures {
  engine: Engine;
  eventsPerSecond: number;
  ceilingPerSecond: number;
  /** The first report right after the bulk load (cold caches, no autovacuum yet). */
  reportMs: number;
  /** Median of the next three reports: what a reviewer waits for on a running server. */
  warmReportMs: number;
  pipelines: number;
  rssStartMb: number;
  rssHalfMb: number;
  rssPeakMb: number;
  /** V8 heap in use after a full GC at the start, halfway and at the end of the ingestion. */
  heapMb: readonly [number, number, number];
}

async function measure(engine: Engine): Promise<Figures | null> {
  const target = await openBenchStore(engine, 'ingest', { poolSize: 5 });
  if (target === null) return null;
  const ceilingTarget = await openBenchStore(engine, 'ingest', { poolSize: 5 });
  try {
    const { busiest, token } = await prepare(target.store);
    // The ceiling of one token, not its fair share: no ingestion quota (issue 13) in this run.
    const { app, url } = await startServer({
      store: target.store,
      logger: false,
      port: 0,
      quotas: UNLIMITED_QUOTAS,
    });
    const now = Date.now();
    const heapStart = heapAfterGc();
    const rssStart = process.memoryUsage().rss;
    peakRss = rssStart;
    let rssHalf = 0;
    let heapHalf = 0;
    const started = performance.now();
    for (let from = 0; from < EVENTS; from += BATCH) {
      const response = await fetch(`${url}/api/v1/lineage`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
        body: ndjsonBatch(from, Math.min(EVENTS, from + BATCH), now),
      });
      if (response.status !== 201)
        throw new Error(`ingest ${String(response.status)}: ${await response.text()}`);
      sampleRss();
      if (rssHalf === 0 && from >= EVENTS / 2) {
        rssHalf = process.memoryUsage().rss;
        heapHalf = heapAfterGc();
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const heapEnd = heapAfterGc();
    await app.close();
    // The ingestion token may not read reports (it only posts events): time the workflow itself.
    const adminReport = await timedReport(target.store, busiest);
    const warm: number[] = [];
    for (let i = 0; i < 3; i++) warm.push((await timedReport(target.store, busiest)).ms);
    warm.sort((a, b) => a - b);

    const ceilingPerSecond = ceilingTarget === null ? 0 : await measureCeiling(ceilingTarget, now);
    const mb = (bytes: number): number => Math.round(bytes / 2 ** 20);
    return {
      engine,
      eventsPerSecond: EVENTS / seconds,
      ceilingPerSecond,
      reportMs: adminReport.ms,
      warmReportMs: warm[1]!,
      pipelines: adminReport.pipelines,
      rssStartMb: mb(rssStart),
      rssHalfMb: mb(rssHalf),
      rssPeakMb: mb(peakRss),
      heapMb: [mb(heapStart), mb(heapHalf), mb(heapEnd)],
    };
  } finally {
    await target.cleanup();
    await ceilingTarget?.cleanup();
  }
}

/**
 * The ceiling: the same events, parsed and attributed before the clock starts, then loaded batch by
 * batch with the engine's fastest bulk path. Only the loading is timed.
 */
async function measureCeiling(target: BenchStore, now: number): Promise<number> {
  const prepared = await prepare(target.store);
  const context = await loadEvidenceContext(target.store.repos, prepared.tenantId);
  const copy =
    target.databaseUrl === undefined ? null : new pg.Client({ connectionString: target.databaseUrl });
  await copy?.connect();
  try {
    let loadMs = 0;
    for (let from = 0; from < EVENTS; from += BATCH) {
      const { events } = parseEventBatch(
        ndjsonBatch(from, Math.min(EVENTS, from + BATCH), now),
        'application/x-ndjson',
      );
      const rows: StoredEvent[] = events.map((event) => ({
        tenantId: prepared.tenantId,
        evidence: extractRunEvidence(event, context),
        eventJson: JSON.stringify(event),
      }));
      const receivedAt = new Date().toISOString();
      const t0 = performance.now();
      if (copy === null) {
        await target.store.transaction(async (tx) => tx.evidence.insertRunEvents(rows, receivedAt));
      } else {
        await copyRunEvents(copy, rows, receivedAt);
      }
      loadMs += performance.now() - t0;
    }
    // A ceiling that silently loaded fewer rows would flatter itself: count what landed.
    const landed = await countRunEvents(target.store.db);
    if (landed !== EVENTS)
      throw new Error(`the ceiling stored ${String(landed)} of ${String(EVENTS)} events`);
    return EVENTS / (loadMs / 1000);
  } finally {
    await copy?.end();
  }
}

/** One `COPY run_events FROM STDIN (FORMAT csv)` for a batch; COPY is all or nothing by itself. */
async function copyRunEvents(
  client: pg.Client,
  events: readonly StoredEvent[],
  receivedAt: string,
): Promise<void> {
  const first = events[0];
  if (first === undefined) return;
  const columns = Object.keys(runEventRow(first, receivedAt));
  // Every row is the same object literal, so its values come in the order of `columns`.
  const lines = events.map(
    (event) => `${Object.values(runEventRow(event, receivedAt)).map(csvField).join(',')}\n`,
  );
  await pipeline(
    Readable.from(lines),
    client.query(copyFrom(`copy run_events (${columns.join(', ')}) from stdin (format csv)`)),
  );
}

/** CSV as PostgreSQL's COPY reads it: an unquoted empty field is NULL, a quoted one is a string. */
function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  return `"${String(value).replaceAll('"', '""')}"`;
}

async function timedReport(store: Store, instanceId: string): Promise<{ ms: number; pipelines: number }> {
  const { impactForChange } = await import('../src/workflows/evidence/index.js');
  const actor = { userId: 'bench', name: 'bench', role: 'provider-engineer' as const, tenantId: null };
  const started = performance.now();
  const report = await impactForChange(store, actor, {
    instanceId,
    packages: [{ name: 'dbt-core', from: `1.${String(REVISIONS)}.0`, to: '==1.1.*' }],
  });
  return { ms: performance.now() - started, pipelines: report?.pipelines.length ?? 0 };
}

export async function run(): Promise<void> {
  const rows: Figures[] = [];
  for (const engine of ['sqlite', 'postgres'] as const) {
    const figures = await measure(engine);
    if (figures === null) continue;
    console.log(figures);
    rows.push(figures);
  }
  const table = rows
    .map(
      (f) =>
        `| ${f.engine} | ${Math.round(f.eventsPerSecond).toLocaleString('en')} | ${Math.round(f.ceilingPerSecond).toLocaleString('en')} | ${f.ceilingPerSecond > 0 ? `${String(Math.round((f.eventsPerSecond / f.ceilingPerSecond) * 100))}%` : 'n/a'} | ${formatMs(f.reportMs)} / ${formatMs(f.warmReportMs)} (${String(f.pipelines)} pipelines) | ${String(f.rssStartMb)} / ${String(f.rssHalfMb)} / ${String(f.rssPeakMb)} MB | ${f.heapMb.join(' / ')} MB |`,
    )
    .join('\n');
  await writeBenchmarkSection(
    'ingest',
    `## Evidence ingestion (issue 5)

Command: \`RATCHET_BENCH_EVENTS=${String(EVENTS)} npm run bench -- ingest\` (default 1,000,000 events).
${String(EVENTS.toLocaleString('en'))} OpenLineage events (${String(INSTANCES)} instances, ${String(JOBS.toLocaleString('en'))} jobs, ${String(USERS)} users, ${String(REVISIONS)} image revisions per instance), posted as NDJSON batches of ${String(BATCH)} to \`POST /api/v1/lineage\` (one client, sequential). Server and client share one process, so RSS covers both.
The ceiling loads the same, already attributed rows batch by batch without HTTP, parsing or attribution: \`COPY run_events FROM STDIN (FORMAT csv)\` on PostgreSQL, multi-row INSERTs in one transaction per batch on SQLite (it has no COPY). Both load into the real table with its primary key and indexes. The impact report is \`impactForChange\` for the busiest instance (≈2/51 of all events), over 30 days: the first one right after the bulk load (cold caches; on PostgreSQL before autovacuum has set the visibility map, so the covering index still visits the heap), then the median of the next three.
${machineLine()}

| engine | HTTP ingest (events/s) | bulk-load ceiling (events/s) | HTTP / ceiling | impact report, first / warm median | RSS start / half / peak | heap after GC: start / half / end |
|---|---|---|---|---|---|---|
${table}
`,
  );
}

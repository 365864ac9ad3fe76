/**
 * The activity of one change (`ratchet history <kind> <id>`) on a large audit log, on SQLite and
 * PostgreSQL: the audit entries naming the change, through the index on `target`, against the same
 * query without that index (a read of the whole log, as before migration 0015) in the same run.
 *
 * The log is filled with multi-row INSERTs, not `audit.append`: the lookup reads rows and never
 * checks the hash chain, and a million appends one transaction each would take most of an hour.
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import type { Engine, Store } from '../src/store/index.js';
import { openBenchStore } from './bench-store.js';
import { formatMs, machineLine, summarize, writeBenchmarkSection } from './report.js';

const ENTRIES = Number(process.env.RATCHET_BENCH_AUDIT_ENTRIES ?? 1_000_000);
/** Entries per change: a rollback request's whole life (request, approve, accept, deploy...). */
const ENTRIES_PER_CHANGE = 10;
const BATCH = 1_000;
const LOOKUPS = 20;

interface Figures {
  engine: Engine;
  entries: number;
  found: number;
  indexedMs: number;
  scanMs: number;
}

/** Change k's entries are spread over the whole log: its steps happen days apart. */
function targetOf(seq: number): string {
  const changes = ENTRIES / ENTRIES_PER_CHANGE;
  return `image-change:chg_${String((seq * 7919) % changes)}`;
}

async function fill(store: Store): Promise<void> {
  const at = new Date('2026-01-01T00:00:00Z').toISOString();
  for (let from = 1; from <= ENTRIES; from += BATCH) {
    const rows = [];
    for (let seq = from; seq < Math.min(from + BATCH, ENTRIES + 1); seq++) {
      rows.push({
        seq,
        at,
        actor_user_id: 'usr_bench',
        actor_role: 'provider-engineer',
        tenant_id: `ten_${String(seq % 50)}`,
        action: 'rollback.approve',
        target: targetOf(seq),
        before: null,
        after: '{"state":"approved"}',
        prev_hash: '0'.repeat(64),
        hash: '0'.repeat(64),
      });
    }
    await store.db.insertInto('audit_log').values(rows).execute();
  }
}

/** Median of `LOOKUPS` lookups of one change's entries, after one to warm the caches. */
async function lookup(store: Store, target: string): Promise<{ ms: number; found: number }> {
  const found = (await store.repos.audit.entriesFor({ targets: [target] })).length;
  const samples: number[] = [];
  for (let i = 0; i < LOOKUPS; i++) {
    const started = performance.now();
    await store.repos.audit.entriesFor({ targets: [target] });
    samples.push(performance.now() - started);
  }
  return { ms: summarize(samples).median, found };
}

async function measure(engine: Engine): Promise<Figures | null> {
  const opened = await openBenchStore(engine, 'activity');
  if (opened === null) return null;
  const { store } = opened;
  try {
    console.log(`[${engine}] filling the audit log with ${ENTRIES.toLocaleString('en')} entries ...`);
    await fill(store);
    await sql`analyze`.execute(store.db);
    const target = targetOf(ENTRIES / 2);
    const indexed = await lookup(store, target);
    await store.db.schema.dropIndex('audit_log_target_idx').execute();
    await sql`analyze`.execute(store.db);
    const scan = await lookup(store, target);
    if (scan.found !== indexed.found) throw new Error('the lookup found other entries without the index');
    console.log(`[${engine}] ${formatMs(indexed.ms)} with the index, ${formatMs(scan.ms)} without`);
    return { engine, entries: ENTRIES, found: indexed.found, indexedMs: indexed.ms, scanMs: scan.ms };
  } finally {
    await opened.cleanup();
  }
}

export async function run(): Promise<void> {
  const figures: Figures[] = [];
  for (const engine of ['sqlite', 'postgres'] as const) {
    const measured = await measure(engine);
    if (measured !== null) figures.push(measured);
  }
  const rows = figures.map(
    (f) =>
      `| ${f.engine} | ${f.entries.toLocaleString('en')} | ${String(f.found)} | ${formatMs(f.indexedMs)} | ${formatMs(f.scanMs)} | ${(f.scanMs / f.indexedMs).toFixed(0)}× |`,
  );
  await writeBenchmarkSection(
    'activity',
    `## Activity of one change on a large audit log

Command: \`npm run bench -- activity\` (bench/activity.ts; RATCHET_BENCH_AUDIT_ENTRIES, default 1,000,000).
${machineLine()}

The audit entries of one change (what \`ratchet history <kind> <id>\` and
\`GET /api/v1/changes/{kind}/{id}/activity\` read), out of a log of ${ENTRIES.toLocaleString('en')} entries about
${(ENTRIES / ENTRIES_PER_CHANGE).toLocaleString('en')} changes, each change's entries spread over the whole
log. The peer, in the same run: the same query after dropping the index on \`(target, seq)\` (migration
0015), which is how every lookup read the log before it. Medians of ${String(LOOKUPS)} lookups after one.

| engine | audit entries | entries found | with the index | without (whole log) | ratio |
|---|---:|---:|---:|---:|---:|
${rows.join('\n')}
`,
  );
}

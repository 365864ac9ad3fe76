/**
 * Benchmark entry (`npm run bench [-- NAME...]`). Each benchmark is a module exporting `run()`,
 * writing its own section of docs/benchmarks.md with the command that produced it.
 */
interface Benchmark {
  readonly name: string;
  readonly description: string;
  load(): Promise<{ run(): Promise<void> }>;
}

const benchmarks: Benchmark[] = [
  {
    name: 'resolver',
    description: 'checkImage, planImageChange and resolveRequirements on an Airflow-sized image, against pip',
    load: () => import('./resolver.js'),
  },
  {
    name: 'load',
    description:
      'HTTP load (autocannon): GET /api/v1/tenants and POST /api/v1/lineage on SQLite and PostgreSQL',
    load: () => import('./load.js'),
  },
  {
    name: 'ingest',
    description:
      'OpenLineage ingestion through POST /api/v1/lineage (RATCHET_BENCH_EVENTS, default 1,000,000) and one impact report, SQLite and PostgreSQL',
    load: () => import('./ingest.js'),
  },
  {
    name: 'isolation',
    description:
      "another tenant's GET /api/v1/me (p50/p99) while one tenant sends the largest YAML, NDJSON batch and review",
    load: () => import('./isolation.js'),
  },
  {
    name: 'activity',
    description:
      "one change's audit entries out of a log of a million (RATCHET_BENCH_AUDIT_ENTRIES), with and without the target index, SQLite and PostgreSQL",
    load: () => import('./activity.js'),
  },
  {
    name: 'trial',
    description:
      'a trial of 1 and of 10 dbt projects (real uv, git, dbt), cold and warm, against the same work as a shell sequence',
    load: () => import('./trial.js'),
  },
];

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !benchmarks.some((bench) => bench.name === name));
if (unknown.length > 0) {
  console.error(
    `Unknown benchmark ${unknown.join(', ')}; choose from: ${benchmarks.map((b) => b.name).join(', ') || '(none yet)'}.`,
  );
  process.exit(2);
}
for (const bench of benchmarks) {
  if (wanted.length > 0 && !wanted.includes(bench.name)) continue;
  console.log(`== ${bench.name}: ${bench.description}`);
  const module = await bench.load();
  await module.run();
}

/**
 * Run evidence from real emitters (issue 14), over HTTP into a Ratchet test server, configured the
 * way the README tells a user (OPENLINEAGE__TRANSPORT__*, a tenant ingestion token): dbt-ol
 * (openlineage-dbt 1.54) running the tests' dbt projects on DuckDB with two dbt-core minor versions,
 * and the openlineage-python client. The policy's scenario is played with real runs on two image
 * revisions, and the rollback's impact report, from those events only, must name User A (who
 * adapted to dbt 1.11) as broken and User B (whom dbt 1.11 broke) as fixed.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../src/api/test-server.js';
import type { TestServer } from '../../src/api/test-server.js';
import {
  buildDbtVenv,
  commit,
  dbtOlRun,
  dbtPins,
  evidenceInstance,
  ingestionToken,
  projectRepo,
  transportEnv,
} from '../support/emitters.js';
import type { DbtPins, EvidenceInstance } from '../support/emitters.js';
import { countRunEvents } from '../../src/workflows/evidence/index.js';
import { pythonTools } from '../support/python-tools.js';

const exec = promisify(execFile);
const tools = pythonTools('real OpenLineage emitters (dbt-ol, openlineage-python)', {
  venvs: ['tools'],
  wheels: ['dbt-duckdb'],
});

const NAMESPACE = 'acme-dbt';

interface Job {
  job: string;
  owners: string[];
  verdict: string;
  basis: string;
}
interface Pipeline {
  pipeline: string;
  owners: string[];
  project: string | null;
  verdict: string;
  basis: string;
  currentCode: string | null;
  jobs: Job[];
  evidence: { imageRevision: number; codeRevision: string | null; outcome: string }[];
}

describe.skipIf(tools === null)('real OpenLineage emitters into Ratchet over HTTP', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'ratchet-emitters-'));
  const [older, newer] = dbtPins() as [DbtPins, DbtPins];
  let server: TestServer;
  let token: string;
  let bins: { older: string; newer: string };
  let instance: EvidenceInstance;

  beforeAll(async () => {
    const uvCache = join(scratch, 'uv-cache');
    // One after the other: they share uv's cache, and the machine has two cores.
    bins = {
      older: await buildDbtVenv(tools!, older, join(scratch, 'dbt-older'), uvCache),
      newer: await buildDbtVenv(tools!, newer, join(scratch, 'dbt-newer'), uvCache),
    };
    server = await startTestServer();
    token = await ingestionToken(server, 'dbt-ol');
    instance = await evidenceInstance(server, 'acme-dbt', NAMESPACE);
    // dbt-ol outside Airflow names nobody: the tenant's ownership rules say whose dbt run is whose.
    const rules = await server.call('PUT', '/api/v1/tenants/acme/ownership', {
      token: server.seed.users.bea.token,
      body: {
        rules: [
          { pattern: 'dbt-run-shop_adapted', user: 'ana' },
          { pattern: 'dbt-run-shop_legacy', user: 'bea' },
        ],
      },
    });
    expect(rules.status, rules.text).toBe(200);
  }, 600_000);

  afterAll(async () => {
    await server?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('takes the openlineage-python client events: a naive time as UTC, static events ignored', async () => {
    const script = join(scratch, 'client.py');
    // What an older Python emitter does: datetime.utcnow().isoformat() has no offset.
    writeFileSync(
      script,
      [
        'import datetime, json, os',
        'from openlineage.client import OpenLineageClient',
        'from openlineage.client.event_v2 import DatasetEvent, Job, JobEvent, Run, RunEvent, RunState, StaticDataset',
        'from openlineage.client.uuid import generate_new_uuid',
        'client = OpenLineageClient()',
        "ns = os.environ['OPENLINEAGE_NAMESPACE']",
        "producer = 'https://github.com/acme/nightly-export'",
        'run_id = str(generate_new_uuid())',
        'naive = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None).isoformat()',
        "job = Job(namespace=ns, name='nightly_export')",
        'client.emit(RunEvent(eventType=RunState.START, eventTime=naive, run=Run(runId=run_id), job=job, producer=producer))',
        'done = datetime.datetime.now(datetime.timezone.utc).isoformat()',
        'client.emit(RunEvent(eventType=RunState.COMPLETE, eventTime=done, run=Run(runId=run_id), job=job, producer=producer))',
        "client.emit(DatasetEvent(eventTime=done, producer=producer, dataset=StaticDataset(namespace='duckdb', name='main.orders')))",
        'client.emit(JobEvent(eventTime=done, producer=producer, job=job))',
        "print(json.dumps({'runId': run_id, 'naive': naive}))",
      ].join('\n'),
    );
    const { stdout } = await exec(join(bins.newer, 'python'), [script], {
      env: { ...process.env, ...transportEnv(server.url, token, 'acme-test-dbt') },
    });
    const sent = JSON.parse(stdout.trim().split('\n').at(-1)!) as { runId: string; naive: string };
    const listing = await server.call('GET', '/api/v1/instances/acme%2Facme-test/evidence', {
      token: server.seed.users.providerAdmin.token,
    });
    expect(listing.status, listing.text).toBe(200);
    const rows = (
      listing.json.jobs as { jobName: string; events: number; successes: number; firstEventAt: string }[]
    ).filter((row) => row.jobName === 'nightly_export');
    // Two run events stored; the DatasetEvent and JobEvent beside them failed nothing.
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ events: 2, successes: 1 });
    // The naive START time was read as UTC (Marquez's reading), not as the server's local time.
    expect(Date.parse(rows[0]!.firstEventAt)).toBe(Date.parse(`${sent.naive.slice(0, 23)}Z`));
  }, 120_000);

  it(
    "plays the policy's scenario with real dbt-ol runs on two dbt-core minors: the rollback breaks ana and fixes bea",
    { timeout: 900_000 },
    async () => {
      const env = transportEnv(server.url, token, NAMESPACE);
      const adapted = await projectRepo('shop_adapted', join(scratch, 'shop_adapted'));
      const legacy = await projectRepo('shop_legacy', join(scratch, 'shop_legacy'));
      // Ana's project before she adapted: pinned below dbt 1.11, like Bea's.
      const pinnedBelow = 'require-dbt-version: [">=1.10.0", "<1.11.0"]';
      const requiresNewer = 'require-dbt-version: ">=1.11.0"';
      const a1 = await commit(adapted, 'shop_adapted on dbt 1.10', {
        file: 'dbt_project.yml',
        from: requiresNewer,
        to: pinnedBelow,
      });
      const b1 = await commit(legacy, 'shop_legacy on dbt 1.10');

      const revisionOlder = await instance.deploy(older);
      const onOlder = await Promise.all([
        dbtOlRun(bins.older, adapted, env),
        dbtOlRun(bins.older, legacy, env),
      ]);
      for (const result of onOlder) expect(result.exitCode, result.output).toBe(0);

      // The image moves to the newer dbt-core: dbt refuses both projects, as their pins say.
      const revisionNewer = await instance.deploy(newer);
      const onNewer = await Promise.all([
        dbtOlRun(bins.newer, adapted, env),
        dbtOlRun(bins.newer, legacy, env),
      ]);
      for (const result of onNewer) {
        expect(result.exitCode, result.output).not.toBe(0);
        expect(result.output).toMatch(/This version of dbt is not supported/);
      }
      // Ana adapts: her project now requires the newer dbt-core, and runs green on it.
      const a2 = await commit(adapted, 'shop_adapted requires dbt 1.11', {
        file: 'dbt_project.yml',
        from: pinnedBelow,
        to: requiresNewer,
      });
      const adaptedRun = await dbtOlRun(bins.newer, adapted, env);
      expect(adaptedRun.exitCode, adaptedRun.output).toBe(0);
      // Every event dbt-ol says it emitted was accepted and stored: none refused, none lost.
      const emitted = [...onOlder, ...onNewer, adaptedRun]
        .map((result) => Number(/Emitted (\d+) OpenLineage events/.exec(result.output)?.[1] ?? NaN))
        .reduce((sum, count) => sum + count, 0);
      expect(emitted).toBeGreaterThan(10);
      expect(await countRunEvents(server.store.db, { instanceId: instance.id })).toBe(emitted);

      const rollbackTo = `${older.dbtCore.split('.').slice(0, 2).join('.')}.*`;
      const impact = await server.call(
        'GET',
        `/api/v1/instances/acme%2Facme-dbt/impact?change=${encodeURIComponent(`dbt-core==${rollbackTo}`)}`,
        { token: server.seed.users.providerAdmin.token },
      );
      expect(impact.status, impact.text).toBe(200);
      const report = impact.json.report as {
        pipelines: Pipeline[];
        affectedUsers: { user: string; verdicts: string[]; pipelines: string[] }[];
        targetRevisions: number[];
        currentRevision: number;
      };
      expect([report.currentRevision, report.targetRevisions]).toEqual([revisionNewer, [revisionOlder]]);
      const pipelines = new Map(report.pipelines.map((p) => [p.pipeline, p]));
      // dbt-ol's structured-log jobs (`model.shop_adapted.orders`, its `.sql.N` queries) stay in their
      // dbt run's pipeline: no pipeline named `model`.
      expect([...pipelines.keys()].sort()).toEqual(['dbt-run-shop_adapted', 'dbt-run-shop_legacy']);

      const ana = pipelines.get('dbt-run-shop_adapted')!;
      expect(ana).toMatchObject({
        verdict: 'breaks',
        basis: 'adapted',
        owners: ['ana'],
        project: 'shop_adapted',
        currentCode: a2,
      });
      expect(ana.evidence.map((run) => [run.imageRevision, run.codeRevision, run.outcome])).toEqual([
        [revisionOlder, a1, 'success'],
        [revisionNewer, a1, 'failure'],
        [revisionNewer, a2, 'success'],
      ]);
      expect(ana.jobs.map((job) => job.job)).toEqual(
        expect.arrayContaining([
          'dbt-run-shop_adapted',
          'model.shop_adapted.customers',
          'model.shop_adapted.orders',
        ]),
      );
      expect(ana.jobs.every((job) => job.owners.join() === 'ana')).toBe(true);

      const bea = pipelines.get('dbt-run-shop_legacy')!;
      expect(bea).toMatchObject({ verdict: 'fixes', basis: 'same-code', owners: ['bea'], currentCode: b1 });
      // Its models never ran on the newer dbt (dbt refused to start): unknown, and left out of the
      // pipeline's verdict rather than counted as safe.
      expect(bea.jobs.find((job) => job.job === 'model.shop_legacy.orders')).toMatchObject({
        verdict: 'unknown',
        basis: 'no-current-runs',
      });

      expect(report.affectedUsers).toEqual([
        expect.objectContaining({ user: 'ana', verdicts: ['breaks'], pipelines: ['dbt-run-shop_adapted'] }),
        expect.objectContaining({ user: 'bea', verdicts: ['fixes'], pipelines: ['dbt-run-shop_legacy'] }),
      ]);
    },
  );
});

/**
 * Airflow as a real emitter (issue 14): Airflow 3 with apache-airflow-providers-openlineage (pinned
 * in scripts/python-tools.toml, `[venvs.airflow]`) runs the tests' DAG with `airflow dags test`; its
 * `dbt_run` task starts dbt-ol in a separate dbt environment, passing the task's run as parent and
 * the DAG run as root (OPENLINEAGE_PARENT_ID / OPENLINEAGE_ROOT_PARENT_ID from the provider's
 * macros). Everything goes to a Ratchet test server over HTTP with an ingestion token. Played on two
 * image revisions (dbt-core 1.10, then 1.11, which bea's project refuses), the rollback's report
 * must name bea from the DAG's owners alone, fix her pipeline, and leave the side task that never
 * touches dbt unaffected.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../src/api/test-server.js';
import type { TestServer } from '../../src/api/test-server.js';
import {
  buildDbtVenv,
  commit,
  dbtPins,
  evidenceInstance,
  ingestionToken,
  projectRepo,
  transportEnv,
} from '../support/emitters.js';
import type { DbtPins, EvidenceInstance } from '../support/emitters.js';
import { pythonTools } from '../support/python-tools.js';

const exec = promisify(execFile);
const tools = pythonTools('Airflow emitting OpenLineage (airflow dags test)', {
  venvs: ['tools', 'airflow'],
  wheels: ['dbt-duckdb'],
});

const NAMESPACE = 'acme-airflow';

interface Job {
  job: string;
  owners: string[];
  verdict: string;
  basis: string;
}

describe.skipIf(tools === null)('Airflow and dbt-ol under it, into Ratchet over HTTP', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'ratchet-airflow-'));
  const [older, newer] = dbtPins() as [DbtPins, DbtPins];
  let server: TestServer;
  let instance: EvidenceInstance;
  let env: Record<string, string>;
  let airflow: string;
  let bins: { older: string; newer: string };

  async function dagsTest(dbtBin: string, logicalDate: string): Promise<string> {
    try {
      const { stdout, stderr } = await exec(airflow, ['dags', 'test', 'shop_daily', logicalDate], {
        env: { ...env, RATCHET_TEST_DBT_BIN: dbtBin },
        cwd: scratch,
        maxBuffer: 64 * 1024 * 1024,
      });
      return `${stdout}\n${stderr}`;
    } catch (error) {
      // A failed task fails the command too; the events tell what happened.
      const failed = error as { stdout?: string; stderr?: string };
      return `${failed.stdout ?? ''}\n${failed.stderr ?? ''}`;
    }
  }

  beforeAll(async () => {
    const uvCache = join(scratch, 'uv-cache');
    bins = {
      older: await buildDbtVenv(tools!, older, join(scratch, 'dbt-older'), uvCache),
      newer: await buildDbtVenv(tools!, newer, join(scratch, 'dbt-newer'), uvCache),
    };
    server = await startTestServer();
    const token = await ingestionToken(server, 'airflow');
    instance = await evidenceInstance(server, 'acme-airflow', NAMESPACE);
    const project = await projectRepo('shop_legacy', join(scratch, 'shop_legacy'));
    await commit(project, 'shop_legacy on dbt 1.10');
    const dags = join(scratch, 'dags');
    mkdirSync(dags);
    copyFileSync(resolve('test/fixtures/airflow/shop_daily.py'), join(dags, 'shop_daily.py'));
    airflow = tools!.command('airflow', 'airflow');
    const url = server.url;
    env = {
      ...process.env,
      // dbt-ol (in the task) reads these, as the README tells a user.
      ...transportEnv(url, token, NAMESPACE),
      AIRFLOW_HOME: join(scratch, 'airflow-home'),
      AIRFLOW__CORE__DAGS_FOLDER: dags,
      AIRFLOW__CORE__LOAD_EXAMPLES: 'False',
      AIRFLOW__CORE__UNIT_TEST_MODE: 'False',
      // The provider's own settings (Airflow configuration [openlineage]).
      AIRFLOW__OPENLINEAGE__NAMESPACE: NAMESPACE,
      AIRFLOW__OPENLINEAGE__TRANSPORT: JSON.stringify({
        type: 'http',
        url,
        endpoint: 'api/v1/lineage',
        auth: { type: 'api_key', apiKey: token },
      }),
      RATCHET_TEST_DBT_PROJECT: project,
      DBT_DUCKDB_PATH: join(project, 'warehouse.duckdb'),
      DBT_SEND_ANONYMOUS_USAGE_STATS: 'false',
    } as Record<string, string>;
    // Airflow 3 keeps its metadata in SQLite under AIRFLOW_HOME: created once, offline.
    await exec(airflow, ['db', 'migrate'], { env, cwd: scratch, maxBuffer: 64 * 1024 * 1024 });
  }, 600_000);

  afterAll(async () => {
    await server?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it(
    'attributes the dbt runs to the DAG and its owner, and judges each job: the rollback fixes bea',
    { timeout: 900_000 },
    async () => {
      const revisionOlder = await instance.deploy(older);
      const green = await dagsTest(bins.older, '2026-11-01');
      const revisionNewer = await instance.deploy(newer);
      const red = await dagsTest(bins.newer, '2026-11-02');
      expect(red, green).toMatch(/This version of dbt is not supported/);

      const listing = await server.call('GET', '/api/v1/instances/acme%2Facme-airflow/evidence', {
        token: server.seed.users.providerAdmin.token,
      });
      expect(listing.status, listing.text).toBe(200);
      const jobs = listing.json.jobs as { pipeline: string; jobName: string }[];
      // Every event, Airflow's and dbt-ol's, was accepted and filed under the DAG.
      expect(jobs.map((row) => row.jobName)).toEqual(
        expect.arrayContaining([
          'shop_daily',
          'shop_daily.extract',
          'shop_daily.dbt_run',
          'dbt-run-shop_legacy',
          'model.shop_legacy.orders',
        ]),
      );

      const rollbackTo = `${older.dbtCore.split('.').slice(0, 2).join('.')}.*`;
      const impact = await server.call(
        'GET',
        `/api/v1/instances/acme%2Facme-airflow/impact?change=${encodeURIComponent(`dbt-core==${rollbackTo}`)}`,
        { token: server.seed.users.providerAdmin.token },
      );
      expect(impact.status, impact.text).toBe(200);
      const report = impact.json.report as {
        pipelines: {
          pipeline: string;
          owners: string[];
          verdict: string;
          project: string | null;
          jobs: Job[];
        }[];
        affectedUsers: { user: string; verdicts: string[] }[];
        currentRevision: number;
        targetRevisions: number[];
      };
      expect([report.currentRevision, report.targetRevisions]).toEqual([revisionNewer, [revisionOlder]]);
      // One pipeline: the DAG. dbt-ol's runs and their structured-log jobs joined it by the parent facet.
      expect(report.pipelines.map((p) => p.pipeline)).toEqual(['shop_daily']);
      const pipeline = report.pipelines[0]!;
      // The DAG's owners are "airflow, bea": Airflow's default names nobody, bea owns every job,
      // including the dbt runs, which name nobody themselves.
      expect(pipeline).toMatchObject({ verdict: 'fixes', owners: ['bea'], project: 'shop_legacy' });
      const byJob = new Map(pipeline.jobs.map((job) => [job.job, job]));
      expect(byJob.get('shop_daily')).toMatchObject({ verdict: 'fixes', owners: ['bea'] });
      expect(byJob.get('shop_daily.dbt_run')).toMatchObject({ verdict: 'fixes', owners: ['bea'] });
      expect(byJob.get('dbt-run-shop_legacy')).toMatchObject({ verdict: 'fixes', owners: ['bea'] });
      // The side task never touched dbt: green on both revisions with the same code.
      expect(byJob.get('shop_daily.extract')).toMatchObject({ verdict: 'unaffected', owners: ['bea'] });
      expect(report.affectedUsers).toEqual([expect.objectContaining({ user: 'bea', verdicts: ['fixes'] })]);
    },
  );
});

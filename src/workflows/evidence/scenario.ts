/**
 * The rollback policy's "Cascading Impact Risk" scenario as an OpenLineage event stream, the way
 * Airflow's provider and dbt-ol would emit it on one instance. Product code (the demo seed) and
 * tests share it; `test/support/openlineage/scenario.ts` re-exports it. With the defaults:
 *
 * - image revision 6 (dbt-core 1.10.4) until Nov 10 08:00 UTC, then revision 7 (dbt-core 1.11.2);
 * - ana's `finance_daily` fails on revision 7, she commits a fix (4f2c1a9) on Nov 12, it succeeds;
 * - bea's `marketing_attribution` keeps failing on revision 7 with unchanged code;
 * - `sales_rollup` (carl) and `ops_health` (no Airflow owner; an ownership rule names dan) pass on both;
 * - eve's `forecast_weekly` first ran on Nov 14, on revision 7 only.
 */
import { createHash } from 'node:crypto';

export const NAMESPACE = 'acme-prod';
export const INSTANCE_ID = 'inst_acme_prod';
export const AIRFLOW_PRODUCER = 'https://github.com/apache/airflow/tree/providers-openlineage/2.3.0';
export const DBT_PRODUCER = 'https://github.com/OpenLineage/OpenLineage/tree/1.34.0/integration/dbt';
const SCHEMA_URL = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';

export const COMMITS = {
  financeOld: '9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d',
  financeAdapted: '4f2c1a9d8e7b6c5a4f3e2d1c0b9a8f7e6d5c4b3a',
  marketing: 'c0ffee15deadbeef0123456789abcdef01234567',
  sales: '5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e',
  ops: '0b5e55ed0b5e55ed0b5e55ed0b5e55ed0b5e55ed',
  forecast: 'f0eca57f0eca57f0eca57f0eca57f0eca57f0eca',
} as const;

export const REVISIONS = [
  {
    revision: 6,
    deployedAt: '2025-10-20T08:00:00.000Z',
    packages: { 'dbt-core': '1.10.4', 'dbt-snowflake': '1.10.2' },
  },
  {
    revision: 7,
    deployedAt: '2025-11-10T08:00:00.000Z',
    packages: { 'dbt-core': '1.11.2', 'dbt-snowflake': '1.11.0' },
  },
];

export const OWNERSHIP = [{ pattern: 'ops_*', user: 'dan' }];

export const NOW = '2025-11-20T12:00:00.000Z';

/** Where and when the scenario happens; the defaults are the story above (Nov 2025, revisions 6 -> 7). */
export interface ScenarioOptions {
  /** Namespace of the Airflow events (DAG and task runs). */
  readonly airflowNamespace: string;
  /** Namespace of the dbt-ol events. */
  readonly dbtNamespace: string;
  /** Midnight UTC of day 1. */
  readonly start: Date;
  /** The revision before and after the upgrade, with their dbt-core versions. */
  readonly before: { readonly revision: number; readonly dbtVersion: string };
  readonly after: { readonly revision: number; readonly dbtVersion: string };
  /**
   * Send the `ratchet` run facet naming the image revision (docs/evidence.md: an emitter inside the
   * image knows it), instead of leaving it to the deployment history.
   */
  readonly explicitRevision: boolean;
}

export const DEFAULT_SCENARIO: ScenarioOptions = {
  airflowNamespace: NAMESPACE,
  dbtNamespace: NAMESPACE,
  start: new Date('2025-11-01T00:00:00.000Z'),
  before: { revision: 6, dbtVersion: '1.10.4' },
  after: { revision: 7, dbtVersion: '1.11.2' },
  explicitRevision: false,
};

export interface PipelineSpec {
  readonly dagId: string;
  readonly project: string;
  /** Airflow `dag.owner`; 'airflow' is Airflow's default and names nobody. */
  readonly owner: string;
  readonly firstDay: number;
  /** Day of November -> code it runs and whether it succeeds. */
  readonly plan: (day: number) => { code: string; ok: boolean };
}

/** The day (1-based) whose 08:00 UTC deployment moves the instance to the later revision. */
export const UPGRADE_DAY = 10;

function onRevision7(day: number): boolean {
  return day >= UPGRADE_DAY; // runs start at 09:00 UTC, after the 08:00 deployment
}

export const PIPELINES: readonly PipelineSpec[] = [
  {
    dagId: 'finance_daily',
    project: 'finance',
    owner: 'ana',
    firstDay: 1,
    plan: (day) =>
      day < 12
        ? { code: COMMITS.financeOld, ok: !onRevision7(day) }
        : { code: COMMITS.financeAdapted, ok: true },
  },
  {
    dagId: 'marketing_attribution',
    project: 'marketing',
    owner: 'bea',
    firstDay: 1,
    plan: (day) => ({ code: COMMITS.marketing, ok: !onRevision7(day) }),
  },
  {
    dagId: 'sales_rollup',
    project: 'sales',
    owner: 'carl',
    firstDay: 1,
    plan: () => ({ code: COMMITS.sales, ok: true }),
  },
  {
    dagId: 'ops_health',
    project: 'ops',
    owner: 'airflow',
    firstDay: 1,
    plan: () => ({ code: COMMITS.ops, ok: true }),
  },
  {
    dagId: 'forecast_weekly',
    project: 'forecast',
    owner: 'eve',
    firstDay: 14,
    plan: () => ({ code: COMMITS.forecast, ok: true }),
  },
];

/** A stable UUID-shaped id (version nibble 7, like Airflow's) from a seed, so runs are reproducible. */
export function stableRunId(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function timeOf(options: ScenarioOptions, day: number, hour: number, minute: number): string {
  const ms = options.start.getTime() + (day - 1) * DAY_MS + (hour * 60 + minute) * 60_000;
  // Airflow writes microseconds and an explicit offset.
  return `${new Date(ms).toISOString().slice(0, 19)}.000000+00:00`;
}

export type Json = Record<string, unknown>;

function facet(producer: string, name: string, body: Json): Json {
  return {
    _producer: producer,
    _schemaURL: `https://openlineage.io/spec/facets/1-0-0/${name}.json`,
    ...body,
  };
}

function ref(runId: string, namespace: string, name: string): Json {
  return { run: { runId }, job: { namespace, name } };
}

function dagInfo(
  options: ScenarioOptions,
  spec: PipelineSpec,
  code: string,
  runId: string,
  day: number,
): Json {
  const at = (d: number, h: number, m: number): string => timeOf(options, d, h, m);
  return {
    dag: { dag_id: spec.dagId, owner: spec.owner, schedule_interval: '0 9 * * *', tags: [spec.project] },
    dagRun: {
      dag_id: spec.dagId,
      run_id: `scheduled__${at(day, 9, 0)}`,
      run_type: 'scheduled',
      dag_bundle_name: 'dags-folder',
      dag_bundle_version: code,
      data_interval_start: at(day, 9, 0),
      openlineage_run_id: runId,
    },
  };
}

/** The events of one DAG run: the DAG, its `dbt_build` task, and the dbt-ol wrapper inside it. */
export function pipelineRunEvents(
  spec: PipelineSpec,
  day: number,
  options: ScenarioOptions = DEFAULT_SCENARIO,
): Json[] {
  const at = (d: number, h: number, m: number): string => timeOf(options, d, h, m);
  const image = onRevision7(day) ? options.after : options.before;
  const ratchet = options.explicitRevision
    ? { ratchet: { _producer: 'https://ratchet.example/emitter', imageRevision: image.revision } }
    : {};
  const airflowNs = options.airflowNamespace;
  const { code, ok } = spec.plan(day);
  // Run ids are unique per instance (namespace) and date, like real ones; the defaults keep theirs.
  const seed =
    airflowNs === NAMESPACE && options.start === DEFAULT_SCENARIO.start
      ? `${spec.dagId}/${day}`
      : `${airflowNs}/${spec.dagId}/${at(day, 0, 0)}`;
  const dagRunId = stableRunId(seed);
  const taskRunId = stableRunId(`${seed}/dbt_build`);
  const dbtRunId = stableRunId(`${seed}/dbt`);
  const dagJob = spec.dagId;
  const taskJob = `${spec.dagId}.dbt_build`;
  const dbtJob = `dbt-run-${spec.project}`;
  const end = ok ? 'COMPLETE' : 'FAIL';
  const airflowJobFacets = {
    jobType: facet(AIRFLOW_PRODUCER, 'JobTypeJobFacet', {
      processingType: 'BATCH',
      integration: 'AIRFLOW',
      jobType: 'TASK',
    }),
  };
  const error = ok
    ? {}
    : {
        errorMessage: facet(DBT_PRODUCER, 'ErrorMessageRunFacet', {
          message: `Compilation Error in model ${spec.project}_summary: macro 'dbt.get_incremental_default_sql' takes no keyword argument 'arg_dict'`,
          programmingLanguage: 'python',
        }),
      };
  const airflowEvent = (
    eventType: string,
    time: string,
    runId: string,
    name: string,
    facets: Json,
  ): Json => ({
    eventType,
    eventTime: time,
    producer: AIRFLOW_PRODUCER,
    schemaURL: SCHEMA_URL,
    run: { runId, facets: { ...facets, ...ratchet } },
    job: { namespace: airflowNs, name, facets: airflowJobFacets },
    inputs: [],
    outputs: [],
  });
  const dagFacets = {
    airflowDagRun: facet(AIRFLOW_PRODUCER, 'AirflowDagRunFacet', dagInfo(options, spec, code, dagRunId, day)),
  };
  const taskFacets = {
    airflow: facet(AIRFLOW_PRODUCER, 'AirflowRunFacet', {
      ...dagInfo(options, spec, code, dagRunId, day),
      task: { task_id: 'dbt_build' },
    }),
    parent: facet(AIRFLOW_PRODUCER, 'ParentRunFacet', {
      ...ref(dagRunId, airflowNs, dagJob),
      root: ref(dagRunId, airflowNs, dagJob),
    }),
    processing_engine: facet(AIRFLOW_PRODUCER, 'ProcessingEngineRunFacet', {
      name: 'Airflow',
      version: '3.0.6',
      openlineageAdapterVersion: '2.3.0',
    }),
  };
  const dbtEvent = (eventType: string, time: string, extra: Json): Json => ({
    eventType,
    eventTime: time,
    producer: DBT_PRODUCER,
    schemaURL: SCHEMA_URL,
    run: {
      runId: dbtRunId,
      facets: {
        parent: facet(DBT_PRODUCER, 'ParentRunFacet', {
          ...ref(taskRunId, airflowNs, taskJob),
          root: ref(dagRunId, airflowNs, dagJob),
        }),
        processing_engine: facet(DBT_PRODUCER, 'ProcessingEngineRunFacet', {
          name: 'dbt',
          version: image.dbtVersion,
          openlineageAdapterVersion: '1.34.0',
        }),
        ...ratchet,
        ...extra,
      },
    },
    job: {
      namespace: options.dbtNamespace,
      name: dbtJob,
      facets: {
        jobType: facet(DBT_PRODUCER, 'JobTypeJobFacet', {
          processingType: 'BATCH',
          integration: 'DBT',
          jobType: 'JOB',
        }),
        sourceCodeLocation: facet(DBT_PRODUCER, 'SourceCodeLocationJobFacet', {
          type: 'git',
          url: `https://git.acme.example/data/${spec.project}.git`,
          repoUrl: `https://git.acme.example/data/${spec.project}.git`,
          version: code,
          branch: 'main',
        }),
      },
    },
    inputs: [],
    outputs: [],
  });
  return [
    airflowEvent('START', at(day, 9, 0), dagRunId, dagJob, dagFacets),
    airflowEvent('START', at(day, 9, 1), taskRunId, taskJob, taskFacets),
    dbtEvent('START', at(day, 9, 2), {}),
    dbtEvent(end, at(day, 9, 20), error),
    airflowEvent(end, at(day, 9, 21), taskRunId, taskJob, taskFacets),
    airflowEvent(end, at(day, 9, 22), dagRunId, dagJob, dagFacets),
  ];
}

/** Every event of the scenario, day 1 to 19 (Nov 1 to Nov 19 by default), in emission order. */
export function scenarioEvents(lastDay = 19, options: ScenarioOptions = DEFAULT_SCENARIO): Json[] {
  const events: Json[] = [];
  for (let day = 1; day <= lastDay; day++) {
    for (const spec of PIPELINES)
      if (day >= spec.firstDay) events.push(...pipelineRunEvents(spec, day, options));
  }
  return events;
}

/** The scenario as NDJSON, as `POST /api/v1/lineage` would receive it in bulk. */
export function scenarioNdjson(lastDay = 19, options: ScenarioOptions = DEFAULT_SCENARIO): string {
  return `${scenarioEvents(lastDay, options)
    .map((event) => JSON.stringify(event))
    .join('\n')}\n`;
}

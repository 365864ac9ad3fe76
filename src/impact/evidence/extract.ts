import { InputError } from '../../domain/errors/index.js';
import type { RunEvent } from '../openlineage/index.js';
import {
  AirflowFacet,
  DagRunFacet,
  DbtRunFacet,
  ErrorMessageFacet,
  JobTypeFacet,
  OwnershipFacet,
  ParentFacet,
  RatchetFacet,
  SourceCodeLocationFacet,
  TagsFacet,
  readFacet,
} from './facets.js';
import { globMatches } from './glob.js';
import type { Deployment, EvidenceContext } from './schema.js';
import type { OwnerSource, RevisionSource, RunEvidence, RunOutcome } from './types.js';

type Facets = Readonly<Record<string, unknown>> | undefined;

const IMAGE_REVISION_TAG = 'ratchet.image_revision';
const DBT_WRAPPER_PREFIX = 'dbt-run-';
// Airflow's `[core] default_owner`: a DAG that names no owner reports this, which names no person.
const AIRFLOW_DEFAULT_OWNER = 'airflow';

function tagValue(facets: Facets, key: string): unknown {
  const tags = readFacet(facets, 'tags', TagsFacet);
  return tags?.tags.find((tag) => tag.key === key)?.value;
}

function parseRevision(value: unknown, field: string): number {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (/^[1-9]\d*$/.test(text)) return Number(text);
  throw new InputError(`${field} must be a positive integer image revision, got ${JSON.stringify(value)}`, {
    remedy: 'Send the numbered image revision the run used, e.g. "7", or leave the facet out.',
    extra: { field },
  });
}

/** The revision deployed on the instance at `time`: the last deployment at or before it. */
function deployedAt(history: readonly Deployment[], time: number): number | null {
  let best: Deployment | null = null;
  for (const deployment of history) {
    const at = Date.parse(deployment.deployedAt);
    if (at > time) continue;
    if (best === null || at >= Date.parse(best.deployedAt)) best = deployment;
  }
  return best?.revision ?? null;
}

function imageRevisionOf(
  event: RunEvent,
  history: readonly Deployment[],
  time: number,
): { revision: number | null; source: RevisionSource | null } {
  // An emitter that knows its image (a facet or tag set by the image itself) beats our inference:
  // the deployment history says what was deployed, not which pod a long run started in.
  const ratchet = readFacet(event.run.facets, 'ratchet', RatchetFacet);
  if (ratchet?.imageRevision !== undefined) {
    return {
      revision: parseRevision(ratchet.imageRevision, 'run.facets.ratchet.imageRevision'),
      source: 'facet',
    };
  }
  const tag =
    tagValue(event.run.facets, IMAGE_REVISION_TAG) ?? tagValue(event.job.facets, IMAGE_REVISION_TAG);
  if (tag !== undefined) {
    return { revision: parseRevision(tag, `tags.${IMAGE_REVISION_TAG}`), source: 'tag' };
  }
  const revision = deployedAt(history, time);
  return { revision, source: revision === null ? null : 'deployment' };
}

interface AirflowFacts {
  readonly dagId?: string;
  readonly dagOwner?: string;
  readonly taskOwner?: string;
  readonly bundleVersion?: string;
}

function airflowFacets(facets: Facets): AirflowFacts {
  // Task events carry `airflow`, DAG events `airflowDagRun`; Airflow 3 may send `dagRun` alone.
  const airflow =
    readFacet(facets, 'airflow', AirflowFacet) ?? readFacet(facets, 'airflowDagRun', AirflowFacet);
  const dagRun = airflow?.dagRun ?? readFacet(facets, 'dagRun', DagRunFacet);
  return {
    ...(airflow?.dag?.dag_id !== undefined ? { dagId: airflow.dag.dag_id } : {}),
    ...(typeof airflow?.dag?.owner === 'string' ? { dagOwner: airflow.dag.owner } : {}),
    ...(typeof airflow?.task?.owner === 'string' ? { taskOwner: airflow.task.owner } : {}),
    ...(dagRun?.dag_bundle_version?.trim() ? { bundleVersion: dagRun.dag_bundle_version.trim() } : {}),
  };
}

function integrationOf(event: RunEvent): string | null {
  const jobType = readFacet(event.job.facets, 'jobType', JobTypeFacet);
  if (jobType !== undefined) return jobType.integration.toUpperCase();
  // Older emitters send no jobType; their producer URL still says who they are.
  const producer = event.producer.toLowerCase();
  if (producer.includes('openlineage-dbt') || producer.includes('/integration/dbt')) return 'DBT';
  if (producer.includes('airflow')) return 'AIRFLOW';
  return null;
}

/** Airflow names task jobs `dag_id.task_id`: the DAG is what precedes the first dot. */
function dagOfAirflowJob(name: string): string {
  const dot = name.indexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

// dbt unique ids (`model.jaffle_shop.orders`) and dbt-ol's structured-log query jobs under them
// (`model.jaffle_shop.orders.sql.2`): dots there separate resource type, project and node, not a
// DAG from its task, so cutting at the first dot would file every model in a pipeline `model`.
const DBT_NODE = /^(?:model|seed|snapshot|test|source|analysis|operation|unit_test|sql_operation)\.([^.]+)\./;

/** The dbt project a dbt unique id names (`model.jaffle_shop.orders` -> `jaffle_shop`). */
function dbtNodeProject(name: string | undefined): string | undefined {
  return name === undefined ? undefined : DBT_NODE.exec(name)?.[1];
}

type Parent = ReturnType<typeof readParent>;

function readParent(event: RunEvent) {
  return readFacet(event.run.facets, 'parent', ParentFacet);
}

/**
 * The pipeline this event alone suggests. Only a fallback: the report resolves each run's
 * pipeline from its parent and root runs' own events when they are stored (attributeRuns).
 */
function pipelineOf(
  event: RunEvent,
  parent: Parent,
  integration: string | null,
  dagId: string | undefined,
): string {
  // ParentRunFacet `root` is the top of the tree: the Airflow DAG run for tasks and for dbt-ol
  // runs launched from a task, or dbt-ol's own `dbt-run-{project}` run outside Airflow.
  const top = parent?.root?.job.name;
  if (top !== undefined) return nodeOrDag(top);
  if (integration === 'AIRFLOW') return dagId ?? (parent ? dagOfAirflowJob(parent.job.name) : event.job.name);
  if (parent !== undefined) return nodeOrDag(parent.job.name);
  if (DBT_NODE.test(event.job.name)) return `${DBT_WRAPPER_PREFIX}${dbtNodeProject(event.job.name)!}`;
  return dagId ?? event.job.name;
}

/** A parent or root job name as a pipeline: a dbt run stays whole, a dbt node names its project's run, a task its DAG. */
function nodeOrDag(name: string): string {
  if (name.startsWith(DBT_WRAPPER_PREFIX)) return name;
  const project = dbtNodeProject(name);
  if (project !== undefined) return `${DBT_WRAPPER_PREFIX}${project}`;
  return dagOfAirflowJob(name);
}

function projectOf(event: RunEvent, parent: Parent): string | null {
  const ratchet = readFacet(event.run.facets, 'ratchet', RatchetFacet);
  if (ratchet?.project !== undefined) return ratchet.project;
  // dbt-ol sends `dbt_run.project_name` on every event of a dbt run (wrapper, nodes, queries).
  const dbtRun = readFacet(event.run.facets, 'dbt_run', DbtRunFacet);
  if (dbtRun?.project_name !== undefined) return dbtRun.project_name;
  // Older dbt-ol: the wrapper job is `dbt-run-{project}`; dbt nodes have it as parent or root.
  const names = [event.job.name, parent?.job.name, parent?.root?.job.name];
  for (const name of names) {
    if (name?.startsWith(DBT_WRAPPER_PREFIX) && name.length > DBT_WRAPPER_PREFIX.length) {
      return name.slice(DBT_WRAPPER_PREFIX.length);
    }
  }
  for (const name of names) {
    const project = dbtNodeProject(name);
    if (project !== undefined) return project;
  }
  return null;
}

/** `"airflow, ana"` -> `['ana']`: Airflow joins owners with commas; its default names nobody. */
function people(names: readonly string[]): string[] {
  const found = new Set<string>();
  for (const name of names) {
    for (const part of name.split(',')) {
      const person = part.trim();
      if (person !== '' && person !== AIRFLOW_DEFAULT_OWNER) found.add(person);
    }
  }
  // Sorted: Airflow does not keep the order of a DAG's owners, and a report must hash the same.
  return [...found].sort();
}

/**
 * Who this event names as owners, most specific first: the Airflow task's own owner, the
 * `ownership` facet (job, then run), the DAG's owners, else the first ownership rule matching the
 * job or pipeline. The report then fills a run that names nobody from its parent and root runs
 * before falling back to a rule (attributeRuns), so a rule never overrides a named owner.
 */
function ownersOf(
  event: RunEvent,
  airflow: AirflowFacts,
  names: readonly string[],
  context: EvidenceContext,
): { owners: string[]; source: OwnerSource | null } {
  const task = people(airflow.taskOwner === undefined ? [] : [airflow.taskOwner]);
  if (task.length > 0) return { owners: task, source: 'airflow-task' };
  const facet =
    readFacet(event.job.facets, 'ownership', OwnershipFacet) ??
    readFacet(event.run.facets, 'ownership', OwnershipFacet);
  const named = people(facet?.owners.map((owner) => owner.name) ?? []);
  if (named.length > 0) return { owners: named, source: 'ownership-facet' };
  const dag = people(airflow.dagOwner === undefined ? [] : [airflow.dagOwner]);
  if (dag.length > 0) return { owners: dag, source: 'airflow' };
  for (const rule of context.ownership ?? []) {
    if (names.some((name) => globMatches(rule.pattern, name)))
      return { owners: [rule.user], source: 'ownership-rule' };
  }
  return { owners: [], source: null };
}

function outcomeOf(event: RunEvent): RunOutcome | null {
  // OpenLineage run states: COMPLETE and FAIL/ABORT are terminal; START, RUNNING, OTHER are not.
  if (event.eventType === 'COMPLETE') return 'success';
  if (event.eventType === 'FAIL' || event.eventType === 'ABORT') return 'failure';
  return null;
}

/**
 * Turns one validated RunEvent into run evidence: which instance, pipeline, owner, code revision
 * and image revision it speaks for, and how it ended. Rules are listed in docs/evidence.md.
 * Throws `InputError` for a namespace no instance claims, or an unreadable explicit revision.
 *
 * @example extractRunEvidence(parseRunEvent(json), { namespaces: { 'acme-prod': 'inst_1' } })
 */
export function extractRunEvidence(event: RunEvent, context: EvidenceContext): RunEvidence {
  const namespace = event.job.namespace;
  const instanceId = Object.hasOwn(context.namespaces, namespace) ? context.namespaces[namespace] : undefined;
  if (instanceId === undefined) {
    // Refused rather than stored unattributed: evidence nobody can place on an instance could
    // never count, and the emitter's operator is the one who can fix the namespace.
    throw new InputError(`job.namespace '${namespace}' belongs to no instance`, {
      remedy: `Register namespace '${namespace}' on the instance, or set the emitter's OpenLineage namespace to a registered one.`,
      extra: { field: 'job.namespace', namespace },
    });
  }
  const time = Date.parse(event.eventTime);
  const eventTime = new Date(time).toISOString();
  const eventType = event.eventType ?? null;
  const history = context.deployments?.[instanceId] ?? [];
  const image = imageRevisionOf(event, history, time);
  const integration = integrationOf(event);
  const airflow = airflowFacets(event.run.facets);
  const parent = readParent(event);
  const pipeline = pipelineOf(event, parent, integration, airflow.dagId);
  const source = readFacet(event.job.facets, 'sourceCodeLocation', SourceCodeLocationFacet);
  const owners = ownersOf(event, airflow, [event.job.name, pipeline], context);
  const error = readFacet(event.run.facets, 'errorMessage', ErrorMessageFacet);
  return {
    idempotencyKey: `${event.run.runId}|${eventType ?? ''}|${eventTime}`,
    runId: event.run.runId,
    eventType,
    eventTime,
    instanceId,
    namespace,
    jobName: event.job.name,
    pipeline,
    pipelineRunId: parent?.root?.run.runId ?? parent?.run.runId ?? event.run.runId,
    parentJobName: parent?.job.name ?? null,
    parentRunId: parent?.run.runId ?? null,
    project: projectOf(event, parent),
    integration,
    imageRevision: image.revision,
    imageRevisionSource: image.source,
    codeRevision: source?.version ?? airflow.bundleVersion ?? null,
    owners: owners.owners,
    ownerSource: owners.source,
    outcome: outcomeOf(event),
    errorMessage: error?.message ?? null,
    producer: event.producer,
  };
}

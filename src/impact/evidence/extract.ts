import { InputError } from '../../domain/errors/index.js';
import type { RunEvent } from '../openlineage/index.js';
import {
  AirflowFacet,
  DagRunFacet,
  ErrorMessageFacet,
  JobTypeFacet,
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

function airflowFacets(facets: Facets): { dagId?: string; owner?: string; bundleVersion?: string } {
  // Task events carry `airflow`, DAG events `airflowDagRun`; Airflow 3 may send `dagRun` alone.
  const airflow =
    readFacet(facets, 'airflow', AirflowFacet) ?? readFacet(facets, 'airflowDagRun', AirflowFacet);
  const dagRun = airflow?.dagRun ?? readFacet(facets, 'dagRun', DagRunFacet);
  return {
    dagId: airflow?.dag?.dag_id,
    owner: airflow?.dag?.owner ?? undefined,
    bundleVersion: dagRun?.dag_bundle_version?.trim() || undefined,
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

type Parent = ReturnType<typeof readParent>;

function readParent(event: RunEvent) {
  return readFacet(event.run.facets, 'parent', ParentFacet);
}

function pipelineOf(
  event: RunEvent,
  parent: Parent,
  integration: string | null,
  dagId: string | undefined,
): string {
  // ParentRunFacet `root` is the top of the tree: the Airflow DAG run for tasks and for dbt-ol
  // runs launched from a task (Airflow provider and dbt-ol both fill it in recent releases).
  if (parent?.root !== undefined) return dagOfAirflowJob(parent.root.job.name);
  if (integration === 'AIRFLOW') return dagId ?? parent?.job.name ?? event.job.name;
  if (parent !== undefined) {
    // Without `root`, a dbt wrapper's parent is the Airflow task `dag_id.task_id`; a dbt model's
    // parent is the wrapper `dbt-run-{project}`, whose own parent this event cannot see.
    const name = parent.job.name;
    return name.startsWith(DBT_WRAPPER_PREFIX) ? name : dagOfAirflowJob(name);
  }
  return dagId ?? event.job.name;
}

function projectOf(event: RunEvent, parent: Parent): string | null {
  const ratchet = readFacet(event.run.facets, 'ratchet', RatchetFacet);
  if (ratchet?.project !== undefined) return ratchet.project;
  // dbt-ol names its wrapper job `dbt-run-{project}`; dbt node runs have it as parent or root.
  for (const name of [event.job.name, parent?.job.name, parent?.root?.job.name]) {
    if (name?.startsWith(DBT_WRAPPER_PREFIX) && name.length > DBT_WRAPPER_PREFIX.length) {
      return name.slice(DBT_WRAPPER_PREFIX.length);
    }
  }
  return null;
}

function ownerOf(
  airflowOwner: string | undefined,
  names: readonly string[],
  context: EvidenceContext,
): { owner: string | null; source: OwnerSource | null } {
  // Airflow joins the owners of a DAG's tasks with ", "; the first one answers for the DAG.
  const first = airflowOwner?.split(',')[0]?.trim();
  if (first && first !== AIRFLOW_DEFAULT_OWNER) return { owner: first, source: 'airflow' };
  for (const rule of context.ownership ?? []) {
    if (names.some((name) => globMatches(rule.pattern, name)))
      return { owner: rule.user, source: 'ownership-rule' };
  }
  return { owner: null, source: null };
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
  const owner = ownerOf(airflow.owner, [event.job.name, pipeline], context);
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
    owner: owner.owner,
    ownerSource: owner.source,
    outcome: outcomeOf(event),
    errorMessage: error?.message ?? null,
    producer: event.producer,
  };
}

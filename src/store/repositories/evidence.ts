/*
 * Storage of run evidence (migration 0004-evidence), bound to a handle as `tx.evidence` /
 * `store.repos.evidence`. Queries use only portable SQL so the same code runs on SQLite and
 * PostgreSQL (store/types.ts column conventions).
 */
import { sql } from 'kysely';
import type { ClassifiedEvidence, DeclaredConstraint, OwnershipRule } from '../../impact/index.js';
import type { RunEventsTable } from '../tables/evidence.js';
import type { Db, EvidenceRepository, JobEvidenceRow, StoredEvent } from '../types.js';
import type { RepositoryContext } from './context.js';

const OWNER_SEPARATOR = ', ';

function ownersOf(column: string | null): string[] {
  return column === null ? [] : column.split(OWNER_SEPARATOR).filter((name) => name !== '');
}

/** Rows per INSERT statement: 24 columns x 400 rows stays under SQLite's and PostgreSQL's parameter limits. */
const INSERT_CHUNK = 400;

/** The `run_events` row for one event; exported for the benchmark's COPY ceiling. */
export function runEventRow(event: StoredEvent, receivedAt: string): RunEventsTable {
  const e = event.evidence;
  return {
    tenant_id: event.tenantId,
    idempotency_key: e.idempotencyKey,
    instance_id: e.instanceId,
    run_id: e.runId,
    event_type: e.eventType,
    event_time: e.eventTime,
    namespace: e.namespace,
    job_name: e.jobName,
    pipeline: e.pipeline,
    pipeline_run_id: e.pipelineRunId,
    parent_job_name: e.parentJobName,
    parent_run_id: e.parentRunId,
    project: e.project,
    integration: e.integration,
    image_revision: e.imageRevision,
    image_revision_source: e.imageRevisionSource,
    code_revision: e.codeRevision,
    // Owners as one text column (no migration): ", "-joined, sorted. Names never hold a comma,
    // since Airflow itself joins owners with commas and extraction splits on them.
    owner: e.owners.length === 0 ? null : e.owners.join(OWNER_SEPARATOR),
    owner_source: e.ownerSource,
    outcome: e.outcome,
    error_message: e.errorMessage,
    producer: e.producer,
    received_at: receivedAt,
    event: event.eventJson,
  };
}

/**
 * Inserts events, skipping those already stored (same tenant and idempotency key, also within the
 * batch). Returns how many rows were new. Call inside a transaction for all-or-nothing.
 */
async function insertRunEvents(db: Db, events: readonly StoredEvent[], receivedAt: string): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < events.length; i += INSERT_CHUNK) {
    const rows = events.slice(i, i + INSERT_CHUNK).map((event) => runEventRow(event, receivedAt));
    const result = await db
      .insertInto('run_events')
      .values(rows)
      .onConflict((oc) => oc.columns(['tenant_id', 'idempotency_key']).doNothing())
      .executeTakeFirst();
    inserted += Number(result.numInsertedOrUpdatedRows ?? 0n);
  }
  return inserted;
}

/** Stored run events (tests and benchmarks count with the raw handle). */
export async function countRunEvents(db: Db, filter: { instanceId?: string } = {}): Promise<number> {
  let query = db.selectFrom('run_events').select((eb) => eb.fn.countAll<number | string>().as('n'));
  if (filter.instanceId !== undefined) query = query.where('instance_id', '=', filter.instanceId);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

async function hasRunEvents(db: Db, instanceId: string): Promise<boolean> {
  const row = await db
    .selectFrom('run_events')
    .select('instance_id')
    .where('instance_id', '=', instanceId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Every event of one instance since `since`, with only the columns the classifier reads. Not only
 * terminal events: START events carry the owners and facts the report gathers by run (issue 14).
 */
async function runEvidenceSince(db: Db, instanceId: string, since: string): Promise<ClassifiedEvidence[]> {
  const rows = await db
    .selectFrom('run_events')
    .select([
      'event_time',
      'outcome',
      'run_id',
      'parent_run_id',
      'pipeline',
      'pipeline_run_id',
      'job_name',
      'image_revision',
      'code_revision',
      'owner',
      'owner_source',
      'project',
      'idempotency_key',
    ])
    .where('instance_id', '=', instanceId)
    .where('event_time', '>=', since)
    .orderBy('event_time')
    .execute();
  return rows.map((row) => ({
    idempotencyKey: row.idempotency_key,
    eventTime: row.event_time,
    runId: row.run_id,
    parentRunId: row.parent_run_id,
    jobName: row.job_name,
    pipeline: row.pipeline,
    pipelineRunId: row.pipeline_run_id,
    project: row.project,
    imageRevision: row.image_revision === null ? null : Number(row.image_revision),
    codeRevision: row.code_revision,
    owners: ownersOf(row.owner),
    ownerSource: row.owner_source as ClassifiedEvidence['ownerSource'],
    outcome: row.outcome as ClassifiedEvidence['outcome'],
  }));
}

async function jobEvidence(
  db: Db,
  instanceId: string,
  page: { since: string; limit: number; offset: number },
): Promise<JobEvidenceRow[]> {
  const rows = await db
    .selectFrom('run_events')
    .select((eb) => [
      'pipeline',
      'job_name',
      eb.fn.max('owner').as('owner'),
      eb.fn.max('project').as('project'),
      eb.fn.countAll<number | string>().as('events'),
      sql<number | string>`sum(case when outcome = 'success' then 1 else 0 end)`.as('successes'),
      sql<number | string>`sum(case when outcome = 'failure' then 1 else 0 end)`.as('failures'),
      eb.fn.min('event_time').as('first_event_at'),
      eb.fn.max('event_time').as('last_event_at'),
    ])
    .where('instance_id', '=', instanceId)
    .where('event_time', '>=', page.since)
    .groupBy(['pipeline', 'job_name'])
    .orderBy('pipeline')
    .orderBy('job_name')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return rows.map((row) => ({
    pipeline: row.pipeline,
    jobName: row.job_name,
    owner: row.owner,
    project: row.project,
    events: Number(row.events),
    successes: Number(row.successes),
    failures: Number(row.failures),
    firstEventAt: row.first_event_at,
    lastEventAt: row.last_event_at,
  }));
}

async function ownershipRules(db: Db, tenantId: string): Promise<OwnershipRule[]> {
  const rows = await db
    .selectFrom('ownership_rules')
    .select(['pattern', 'user_name'])
    .where('tenant_id', '=', tenantId)
    .orderBy('position')
    .execute();
  return rows.map((row) => ({ pattern: row.pattern, user: row.user_name }));
}

async function replaceOwnershipRules(
  db: Db,
  tenantId: string,
  rules: readonly OwnershipRule[],
  at: string,
): Promise<void> {
  await db.deleteFrom('ownership_rules').where('tenant_id', '=', tenantId).execute();
  if (rules.length === 0) return;
  await db
    .insertInto('ownership_rules')
    .values(
      rules.map((rule, position) => ({
        tenant_id: tenantId,
        position,
        pattern: rule.pattern,
        user_name: rule.user,
        created_at: at,
      })),
    )
    .execute();
}

async function declaredConstraints(db: Db, tenantId: string): Promise<DeclaredConstraint[]> {
  const rows = await db
    .selectFrom('declared_constraints')
    .select(['project', 'package', 'specifier'])
    .where('tenant_id', '=', tenantId)
    .orderBy('project')
    .orderBy('package')
    .orderBy('specifier')
    .execute();
  return rows.map((row) => ({ project: row.project, package: row.package, specifier: row.specifier }));
}

/** A project's constraints are replaced whole: an upload says everything the project declares. */
async function replaceProjectConstraints(
  db: Db,
  tenantId: string,
  project: string,
  constraints: readonly DeclaredConstraint[],
  at: string,
): Promise<void> {
  await db
    .deleteFrom('declared_constraints')
    .where('tenant_id', '=', tenantId)
    .where('project', '=', project)
    .execute();
  const unique = new Map(constraints.map((c) => [`${c.package}\u0000${c.specifier}`, c]));
  if (unique.size === 0) return;
  await db
    .insertInto('declared_constraints')
    .values(
      [...unique.values()].map((c) => ({
        tenant_id: tenantId,
        project,
        package: c.package,
        specifier: c.specifier,
        created_at: at,
      })),
    )
    .execute();
}

/** Replaces an instance's namespaces (optimistic: a stale `expectedVersion` changes nothing). */
async function setInstanceNamespaces(
  db: Db,
  instanceId: string,
  expectedVersion: number,
  namespaces: readonly string[],
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('instances')
    .set({ namespaces: JSON.stringify(namespaces), version: expectedVersion + 1, updated_at: at })
    .where('id', '=', instanceId)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export function evidenceRepository({ db }: RepositoryContext): EvidenceRepository {
  return {
    insertRunEvents: (events, receivedAt) => insertRunEvents(db, events, receivedAt),
    countRunEvents: (filter) => countRunEvents(db, filter),
    hasRunEvents: (instanceId) => hasRunEvents(db, instanceId),
    runEvidenceSince: (instanceId, since) => runEvidenceSince(db, instanceId, since),
    jobEvidence: (instanceId, page) => jobEvidence(db, instanceId, page),
    ownershipRules: (tenantId) => ownershipRules(db, tenantId),
    replaceOwnershipRules: (tenantId, rules, at) => replaceOwnershipRules(db, tenantId, rules, at),
    declaredConstraints: (tenantId) => declaredConstraints(db, tenantId),
    replaceProjectConstraints: (tenantId, project, constraints, at) =>
      replaceProjectConstraints(db, tenantId, project, constraints, at),
    setInstanceNamespaces: (instanceId, expectedVersion, namespaces, at) =>
      setInstanceNamespaces(db, instanceId, expectedVersion, namespaces, at),
    async instanceNamespaces(tenantId) {
      return db
        .selectFrom('instances')
        .select(['id', 'namespaces'])
        .where('tenant_id', '=', tenantId)
        .execute();
    },
    async attributeRunsToImageSince(instanceId, since, revision) {
      const moved = await db
        .updateTable('run_events')
        .set({ image_revision: revision, image_revision_source: 'deployment' })
        .where('instance_id', '=', instanceId)
        .where('event_time', '>=', since)
        .where((eb) =>
          eb.or([eb('image_revision', 'is', null), eb('image_revision_source', '=', 'deployment')]),
        )
        .executeTakeFirst();
      return Number(moved.numUpdatedRows);
    },
    async deployedImageRevisions(tenantId) {
      return db
        .selectFrom('revisions')
        .select(['instance_id', 'number', 'content', 'status_changed_at'])
        .where('tenant_id', '=', tenantId)
        .where('layer', '=', 'image')
        .where('status', '=', 'deployed')
        .execute();
    },
  };
}

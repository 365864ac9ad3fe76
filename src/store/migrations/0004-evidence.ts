import type { Kysely, Migration } from 'kysely';

/**
 * Tables for run evidence (issue 5, docs/evidence.md): OpenLineage run events as stored evidence,
 * ownership rules and declared constraints per tenant. Namespace -> instance mappings live on the
 * instance row (`instances.namespaces`, 0001), so there is one source of truth for attribution.
 * Portable types only (text, integer); timestamps ISO text, JSON text (store/types.ts).
 */
export const evidence: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('run_events')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      // runId|eventType|eventTime (UTC ms): an event sent twice is stored once, per tenant, so one
      // tenant cannot pre-claim another's keys.
      .addColumn('idempotency_key', 'text', (c) => c.notNull())
      .addColumn('instance_id', 'text', (c) => c.notNull().references('instances.id'))
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('event_type', 'text')
      .addColumn('event_time', 'text', (c) => c.notNull())
      .addColumn('namespace', 'text', (c) => c.notNull())
      .addColumn('job_name', 'text', (c) => c.notNull())
      .addColumn('pipeline', 'text', (c) => c.notNull())
      .addColumn('pipeline_run_id', 'text', (c) => c.notNull())
      .addColumn('parent_job_name', 'text')
      .addColumn('parent_run_id', 'text')
      .addColumn('project', 'text')
      .addColumn('integration', 'text')
      .addColumn('image_revision', 'integer')
      .addColumn('image_revision_source', 'text')
      .addColumn('code_revision', 'text')
      .addColumn('owner', 'text')
      .addColumn('owner_source', 'text')
      .addColumn('outcome', 'text')
      .addColumn('error_message', 'text')
      .addColumn('producer', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('event', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('run_events_pk', ['tenant_id', 'idempotency_key'])
      .execute();
    // An impact report reads one instance's terminal events in a time window; a listing groups
    // one instance's events by pipeline and job.
    await db.schema
      .createIndex('run_events_instance_time_idx')
      .on('run_events')
      .columns(['instance_id', 'event_time'])
      .execute();
    await db.schema
      .createIndex('run_events_instance_job_idx')
      .on('run_events')
      .columns(['instance_id', 'pipeline', 'job_name'])
      .execute();

    await db.schema
      .createTable('ownership_rules')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('pattern', 'text', (c) => c.notNull())
      .addColumn('user_name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('ownership_rules_pk', ['tenant_id', 'position'])
      .execute();

    await db.schema
      .createTable('declared_constraints')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('project', 'text', (c) => c.notNull())
      .addColumn('package', 'text', (c) => c.notNull())
      .addColumn('specifier', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('declared_constraints_pk', ['tenant_id', 'project', 'package', 'specifier'])
      .execute();
  },
};

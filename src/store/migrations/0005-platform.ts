import type { Kysely, Migration } from 'kysely';

/**
 * Tables for platform releases, defects and infrastructure changes (issue 6). Portable types only
 * (text, integer); states are checked by the domain state machines (src/domain/defects).
 */
export const platform: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('platform_releases')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('version', 'text', (c) => c.notNull().unique())
      .addColumn('components', 'text', (c) => c.notNull())
      .addColumn('notes', 'text', (c) => c.notNull())
      .addColumn('fixes', 'text', (c) => c.notNull())
      .addColumn('targets', 'text')
      .addColumn('published_by', 'text', (c) => c.notNull())
      .addColumn('published_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('platform_rollouts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('release_id', 'text', (c) => c.notNull().references('platform_releases.id'))
      .addColumn('instance_id', 'text', (c) => c.notNull().references('instances.id'))
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('revision_number', 'integer', (c) => c.notNull())
      .addColumn('override_reason', 'text')
      .addColumn('actor_user_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('platform_rollouts_release_instance_unique', ['release_id', 'instance_id'])
      .execute();

    await db.schema
      .createTable('defects')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('instance_id', 'text', (c) => c.notNull().references('instances.id'))
      .addColumn('reporter_user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('observed', 'text', (c) => c.notNull())
      .addColumn('since', 'text', (c) => c.notNull())
      .addColumn('suggested_severity', 'integer', (c) => c.notNull())
      .addColumn('severity', 'integer')
      .addColumn('assignee_user_id', 'text')
      .addColumn('regressed_in', 'text')
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('close_outcome', 'text')
      .addColumn('close_reason', 'text')
      .addColumn('duplicate_of', 'text')
      .addColumn('fixed_by_release', 'text')
      .addColumn('reopen_count', 'integer', (c) => c.notNull())
      .addColumn('reported_at', 'text', (c) => c.notNull())
      .addColumn('triaged_at', 'text')
      .addColumn('deployed_at', 'text')
      .addColumn('resolved_at', 'text')
      .addColumn('closed_at', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('defects_tenant_idx').on('defects').columns(['tenant_id', 'state']).execute();

    await db.schema
      .createTable('defect_sla_breaches')
      .addColumn('defect_id', 'text', (c) => c.notNull().references('defects.id'))
      .addColumn('clock', 'text', (c) => c.notNull())
      .addColumn('target_at', 'text', (c) => c.notNull())
      .addColumn('notified_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('defect_sla_breaches_pk', ['defect_id', 'clock'])
      .execute();

    await db.schema
      .createTable('severity_definitions')
      .addColumn('severity', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('definition', 'text', (c) => c.notNull())
      .addColumn('response_minutes', 'integer', (c) => c.notNull())
      .addColumn('resolution_minutes', 'integer', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('infrastructure_changes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('why', 'text', (c) => c.notNull())
      .addColumn('changes', 'text', (c) => c.notNull())
      .addColumn('risk', 'text', (c) => c.notNull())
      .addColumn('window_start', 'text', (c) => c.notNull())
      .addColumn('window_end', 'text', (c) => c.notNull())
      .addColumn('instance_ids', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('planned_by', 'text', (c) => c.notNull())
      .addColumn('applied_by', 'text')
      .addColumn('applied_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('infrastructure_signoffs')
      .addColumn('change_id', 'text', (c) => c.notNull().references('infrastructure_changes.id'))
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('user_name', 'text', (c) => c.notNull())
      .addColumn('party', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('note', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('infrastructure_signoffs_pk', ['change_id', 'user_id'])
      .execute();
  },
};

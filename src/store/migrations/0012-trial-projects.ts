import type { Kysely, Migration } from 'kysely';

/**
 * The trial (issue 16): the dbt projects customers register per instance, and the trials run
 * against them (a job each: queued, running, then succeeded, failed or cancelled).
 */
export const trialProjects: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('trial_projects')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('instance_id', 'text', (c) => c.notNull().references('instances.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('repo_url', 'text', (c) => c.notNull())
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('owners', 'text', (c) => c.notNull())
      .addColumn('sealed_credential', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addUniqueConstraint('trial_projects_instance_name', ['instance_id', 'name'])
      .execute();
    await db.schema
      .createTable('image_trials')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('instance_id', 'text', (c) => c.notNull().references('instances.id'))
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('requests', 'text', (c) => c.notNull())
      .addColumn('progress', 'text', (c) => c.notNull())
      .addColumn('result', 'text')
      .addColumn('error', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('image_trials_instance')
      .on('image_trials')
      .columns(['instance_id', 'state'])
      .execute();
  },
};

import type { Kysely, Migration } from 'kysely';

/**
 * Tables for the image workflow (issue 4): image change requests (upgrades and rollback requests),
 * rollback pins, forward-fix follow-ups, per-instance package sources. Portable types only (text,
 * integer); JSON is text, timestamps ISO text (store/types.ts).
 */
export const imageWorkflow: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('image_changes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('instance_id', 'text', (c) => c.notNull().references('instances.id'))
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('requested_by', 'text', (c) => c.notNull())
      .addColumn('requested_role', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('requests', 'text', (c) => c.notNull())
      .addColumn('report', 'text', (c) => c.notNull())
      .addColumn('report_hash', 'text', (c) => c.notNull())
      .addColumn('approved_by', 'text')
      .addColumn('approved_hash', 'text')
      .addColumn('decision_reason', 'text')
      .addColumn('urgent', 'integer', (c) => c.notNull())
      .addColumn('accepted_by', 'text')
      .addColumn('accepted_hash', 'text')
      .addColumn('stages', 'text', (c) => c.notNull())
      .addColumn('notes', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('image_changes_instance_idx')
      .on('image_changes')
      .columns(['instance_id', 'state'])
      .execute();

    await db.schema
      .createTable('rollback_pins')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('instance_id', 'text', (c) => c.notNull().references('instances.id'))
      .addColumn('package', 'text', (c) => c.notNull())
      .addColumn('pinned_version', 'text', (c) => c.notNull())
      .addColumn('change_id', 'text', (c) => c.notNull().references('image_changes.id'))
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('rollback_pins_instance_idx')
      .on('rollback_pins')
      .columns(['instance_id', 'package'])
      .execute();

    await db.schema
      .createTable('forward_fix_follow_ups')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('instance_id', 'text', (c) => c.notNull().references('instances.id'))
      .addColumn('package', 'text', (c) => c.notNull())
      .addColumn('pinned_version', 'text', (c) => c.notNull())
      .addColumn('change_id', 'text', (c) => c.notNull().references('image_changes.id'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('closed_at', 'text')
      .addColumn('version', 'integer', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('image_sources')
      .addColumn('instance_id', 'text', (c) => c.primaryKey().references('instances.id'))
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ['image_sources', 'forward_fix_follow_ups', 'rollback_pins', 'image_changes']) {
      await db.schema.dropTable(table).execute();
    }
  },
};

import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * The transactional outbox's table (repositories/outbox.ts). Portable column types only (text,
 * integer), following the store's conventions: ISO-8601 UTC text timestamps compare correctly as
 * strings on both engines.
 */
export const outbox: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('outbox')
      .addColumn('id', 'text', (col) => col.primaryKey())
      .addColumn('idempotency_key', 'text', (col) => col.notNull().unique())
      .addColumn('event_id', 'text', (col) => col.notNull())
      .addColumn('topic', 'text', (col) => col.notNull())
      .addColumn('receiver_id', 'text', (col) => col.notNull())
      .addColumn('channel', 'text', (col) => col.notNull())
      .addColumn('payload', 'text', (col) => col.notNull())
      .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'text', (col) => col.notNull())
      .addColumn('lease_until', 'text')
      .addColumn('lease_owner', 'text')
      .addColumn('status', 'text', (col) =>
        col.notNull().check(sql`status in ('pending', 'delivered', 'failed')`),
      )
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'text', (col) => col.notNull())
      .addColumn('delivered_at', 'text')
      .execute();
    // The claim query scans pending rows by due time; parked rows are listed by creation.
    await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at']).execute();
    await db.schema
      .createIndex('outbox_status_created')
      .on('outbox')
      .columns(['status', 'created_at'])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('outbox').execute();
  },
};

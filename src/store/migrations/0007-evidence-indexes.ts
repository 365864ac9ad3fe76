import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * A covering index for the impact report (issue 5, "Scale"): `terminalRunEvidence` reads one
 * instance's terminal events in a time window. With only `(instance_id, event_time)` every match
 * is a lookup into a table row that also holds the raw event JSON, scattered over the whole table;
 * this index carries every column the classifier reads, so the report never touches those rows.
 * Partial (terminal events only): runs that are not finished never count, and it stays half size.
 */
export const evidenceIndexes: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createIndex('run_events_instance_terminal_idx')
      .on('run_events')
      .columns([
        'instance_id',
        'event_time',
        'outcome',
        'pipeline',
        'pipeline_run_id',
        'job_name',
        'image_revision',
        'code_revision',
        'owner',
        'project',
        'idempotency_key',
      ])
      .where(sql<boolean>`outcome is not null`)
      .execute();
  },
};

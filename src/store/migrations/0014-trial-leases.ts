import type { Kysely, Migration } from 'kysely';

/**
 * Trials are jobs that survive a restart (issue 16): a trial records the work it was queued with
 * (`work`, JSON without credentials), and the server running it holds a lease (`lease_owner`,
 * `lease_expires_at`) it renews while it runs. Another server resumes a queued or running trial
 * only once its lease expired, so with several servers on one database none takes a trial a live
 * server is running. `attempts` counts the starts, so a trial that keeps killing its server stops
 * being resumed.
 */
export const trialLeases: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('image_trials').addColumn('work', 'text').execute();
    await db.schema.alterTable('image_trials').addColumn('lease_owner', 'text').execute();
    await db.schema.alterTable('image_trials').addColumn('lease_expires_at', 'text').execute();
    await db.schema.alterTable('image_trials').addColumn('attempts', 'integer').execute();
  },
};

import type { Kysely, Migration } from 'kysely';

/**
 * The shared log of failed authentications (tables/auth-failures.ts). Rows live one limiter window
 * (a minute by default): each new failure deletes the expired ones, so the table stays small.
 */
export const authFailures: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('auth_failures')
      .addColumn('client_ip', 'text', (c) => c.notNull())
      .addColumn('failed_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('auth_failures_ip_time_idx')
      .on('auth_failures')
      .columns(['client_ip', 'failed_at'])
      .execute();
    await db.schema.createIndex('auth_failures_time_idx').on('auth_failures').column('failed_at').execute();
  },
};

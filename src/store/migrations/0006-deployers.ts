import type { Kysely, Migration } from 'kysely';

/**
 * Per-instance deployer configuration and the hand-off log of pending image revisions (issue 4,
 * "Deployers"). An instance without a row uses the `record` deployer.
 */
export const deployers: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('instance_deployers')
      .addColumn('instance_id', 'text', (c) => c.primaryKey().references('instances.id'))
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('config', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('deployment_hand_offs')
      .addColumn('instance_id', 'text', (c) => c.notNull().references('instances.id'))
      .addColumn('revision', 'integer', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text')
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('deployment_hand_offs_pk', ['instance_id', 'revision'])
      .execute();
  },
};

import type { Kysely, Migration } from 'kysely';

/**
 * The activity of one change (`ratchet history <kind> <id>`, GET /api/v1/changes/<kind>/<id>/activity)
 * reads the audit entries naming it: with only the seq order and the tenant index, every lookup
 * read the whole log, which only grows. `(target, seq)`: the entries of a target, in chain order.
 */
export const auditTargetIndex: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.createIndex('audit_log_target_idx').on('audit_log').columns(['target', 'seq']).execute();
  },
};

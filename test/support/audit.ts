/**
 * Audit entries split the way refusal tests need them: a refused write leaves no trace but one
 * `request.refused` entry (src/api/refusal-audit.ts), so "nothing changed" means the state changes
 * stayed the same while the refusals grew by the number of refusals.
 */
import { REFUSAL_AUDIT_ACTION } from '../../src/api/refusal-audit.js';
import type { Store } from '../../src/store/index.js';

export interface AuditCounts {
  /** Entries of state changes. */
  changes: number;
  /** Entries of refused writes. */
  refusals: number;
}

export async function auditCounts(store: Store): Promise<AuditCounts> {
  const rows = await store.db
    .selectFrom('audit_log')
    .select((eb) => [
      eb.fn.countAll<number | string>().as('all'),
      eb.fn
        .count<number | string>(eb.case().when('action', '=', REFUSAL_AUDIT_ACTION).then(1).end())
        .as('refused'),
    ])
    .executeTakeFirstOrThrow();
  const refusals = Number(rows.refused);
  return { changes: Number(rows.all) - refusals, refusals };
}

/** The newest audit entry's action and target, to check a refusal was recorded for the right route. */
export async function lastAuditEntry(store: Store): Promise<{ action: string; target: string }> {
  return store.db
    .selectFrom('audit_log')
    .select(['action', 'target'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
}

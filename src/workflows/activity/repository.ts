import type { AuditEntry } from '../../domain/audit/index.js';
import type { Db } from '../../store/index.js';

/** Which audit entries belong to one change: exact targets, and targets under a prefix. */
export interface AuditScope {
  targets: readonly string[];
  /** e.g. `platform-release:3.4.1/` for a release's rollouts; must hold no LIKE wildcard. */
  prefixes?: readonly string[];
}

const WILDCARD = /[%_\\]/;

/**
 * The audit entries of one change, in seq order. Read straight from the hash chain: the activity
 * history is a view of the audit log, never a second record that could disagree with it.
 */
export async function auditEntriesFor(db: Db, scope: AuditScope): Promise<AuditEntry[]> {
  const prefixes = (scope.prefixes ?? []).filter((prefix) => !WILDCARD.test(prefix));
  if (scope.targets.length === 0 && prefixes.length === 0) return [];
  const rows = await db
    .selectFrom('audit_log')
    .selectAll()
    .where((eb) =>
      eb.or([
        ...(scope.targets.length > 0 ? [eb('target', 'in', [...scope.targets])] : []),
        ...prefixes.map((prefix) => eb('target', 'like', `${prefix}%`)),
      ]),
    )
    .orderBy('seq')
    .execute();
  return rows.map((row) => ({
    seq: Number(row.seq),
    at: row.at,
    actorUserId: row.actor_user_id,
    actorRole: row.actor_role,
    tenantId: row.tenant_id,
    action: row.action,
    target: row.target,
    before: row.before,
    after: row.after,
    prevHash: row.prev_hash,
    hash: row.hash,
  }));
}

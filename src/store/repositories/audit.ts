import { canonicalJson, GENESIS_HASH, hashAuditEntry } from '../../domain/audit/index.js';
import type { AuditEntry } from '../../domain/audit/index.js';
import type { AuditLogTable, AuditRepository } from '../types.js';
import type { RepositoryContext } from './context.js';

function toEntry(row: AuditLogTable): AuditEntry {
  return {
    seq: row.seq,
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
  };
}

export function auditRepository({ db, now, inTransaction }: RepositoryContext): AuditRepository {
  return {
    async append(input) {
      // The chain is only sound when appends are serialized; store.transaction holds the writer lock.
      if (!inTransaction) {
        throw new Error('audit.append must run inside store.transaction, together with the write it records');
      }
      const last = await db
        .selectFrom('audit_log')
        .select(['seq', 'hash'])
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirst();
      const unhashed: Omit<AuditEntry, 'hash'> = {
        seq: (last?.seq ?? 0) + 1,
        at: now(),
        actorUserId: input.actorUserId,
        actorRole: input.actorRole,
        tenantId: input.tenantId,
        action: input.action,
        target: input.target,
        // Stored as canonical text and hashed as that same text, so verification is byte-exact.
        before: input.before === null || input.before === undefined ? null : canonicalJson(input.before),
        after: input.after === null || input.after === undefined ? null : canonicalJson(input.after),
        prevHash: last?.hash ?? GENESIS_HASH,
      };
      const entry: AuditEntry = { ...unhashed, hash: hashAuditEntry(unhashed) };
      await db
        .insertInto('audit_log')
        .values({
          seq: entry.seq,
          at: entry.at,
          actor_user_id: entry.actorUserId,
          actor_role: entry.actorRole,
          tenant_id: entry.tenantId,
          action: entry.action,
          target: entry.target,
          before: entry.before,
          after: entry.after,
          prev_hash: entry.prevHash,
          hash: entry.hash,
        })
        .execute();
      return entry;
    },
    async list(options = {}) {
      let query = db
        .selectFrom('audit_log')
        .selectAll()
        .where('seq', '>', options.afterSeq ?? 0);
      if (options.tenantId !== undefined) query = query.where('tenant_id', '=', options.tenantId);
      const rows = await query
        .orderBy('seq')
        .limit(options.limit ?? 100)
        .execute();
      return rows.map(toEntry);
    },
    async entriesFor(scope) {
      // The activity history is a view of the hash chain, never a second record that could disagree.
      if (scope.targets.length === 0) return [];
      const rows = await db
        .selectFrom('audit_log')
        .selectAll()
        .where('target', 'in', [...scope.targets])
        .orderBy('seq')
        .execute();
      return rows.map(toEntry);
    },
    async count() {
      const row = await db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}

import type { AuditChainResult, AuditEntry, AuditEntryInput } from '../domain/audit/index.js';
import { assertCan } from '../domain/roles/index.js';
import type { Actor } from '../domain/roles/index.js';
import type { Store } from '../store/index.js';
import { ListAuditInput, parseInput } from './schema.js';

/**
 * The who-part of an audit entry for `actor`.
 *
 * Audit policy: every state change is appended in the transaction that makes it. Refusals (policy,
 * role, scope, input, stale version) change nothing and are NOT written to the hash chain: the chain
 * is the history of state, and the "nothing changed" guarantee is testable by counting its rows.
 * The API logs refusals (pino) instead.
 */
export function auditedBy(
  actor: Actor,
  entry: Omit<AuditEntryInput, 'actorUserId' | 'actorRole'>,
): AuditEntryInput {
  return { actorUserId: actor.userId, actorRole: actor.role, ...entry };
}

/** Walks the hash chain and names the first broken link. Provider roles only. */
export async function verifyAudit(store: Store, actor: Actor): Promise<AuditChainResult> {
  assertCan(actor, 'audit.verify');
  return store.verifyAuditChain();
}

/** Audit entries in seq order (paged by `afterSeq`). Provider roles only. */
export async function listAudit(
  store: Store,
  actor: Actor,
  input: ListAuditInput = {},
): Promise<AuditEntry[]> {
  assertCan(actor, 'audit.read');
  const { afterSeq, limit } = parseInput(ListAuditInput, input, 'audit query');
  return store.repos.audit.list({ afterSeq, limit });
}

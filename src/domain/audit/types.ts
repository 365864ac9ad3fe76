/** What a write says about itself when it appends to the audit log. */
export interface AuditEntryInput {
  actorUserId: string | null;
  /** The actor's role, or 'system' for bootstrap and migrations. */
  actorRole: string;
  tenantId: string | null;
  /** e.g. "tenant.create", "revision.record", "revision.deployed". */
  action: string;
  /** What was changed, e.g. "revision:ins_x/platform/3". */
  target: string;
  /** Summary of the state before the write; null for creations. */
  before: unknown;
  /** Summary of the state after the write. */
  after: unknown;
}

/** One link of the hash chain, as stored (before/after are canonical JSON text). */
export interface AuditEntry {
  seq: number;
  at: string;
  actorUserId: string | null;
  actorRole: string;
  tenantId: string | null;
  action: string;
  target: string;
  before: string | null;
  after: string | null;
  prevHash: string;
  hash: string;
}

export type AuditChainResult =
  { ok: true; entries: number } | { ok: false; brokenAt: number; reason: string; entries: number };

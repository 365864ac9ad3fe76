import { createHash } from 'node:crypto';
import type { AuditEntry } from './types.js';

/** prev_hash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * JSON with object keys sorted at every depth, so the same value always serializes to the same text
 * (the hash must not depend on key insertion order or on the database engine).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const child = (value as Record<string, unknown>)[key];
    if (child !== undefined) out[key] = sortKeys(child);
  }
  return out;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The hash of one link: SHA-256 over the canonical entry, which includes the previous link's hash. */
export function hashAuditEntry(entry: Omit<AuditEntry, 'hash'>): string {
  return sha256Hex(
    canonicalJson({
      seq: entry.seq,
      at: entry.at,
      actorUserId: entry.actorUserId,
      actorRole: entry.actorRole,
      tenantId: entry.tenantId,
      action: entry.action,
      target: entry.target,
      before: entry.before,
      after: entry.after,
      prevHash: entry.prevHash,
    }),
  );
}

/**
 * Checks a run of consecutive entries; returns the first broken link, or null. `previous` is the entry
 * before the run (null at the start of the log). A gap in `seq` (a deleted row) is a break too.
 */
export function findBrokenLink(
  previous: Pick<AuditEntry, 'seq' | 'hash'> | null,
  entries: readonly AuditEntry[],
): { brokenAt: number; reason: string } | null {
  let prev = previous;
  for (const entry of entries) {
    const expectedSeq = prev === null ? 1 : prev.seq + 1;
    if (entry.seq !== expectedSeq) {
      return {
        brokenAt: expectedSeq,
        reason: `entry ${expectedSeq} is missing (next entry is ${entry.seq})`,
      };
    }
    const expectedPrev = prev === null ? GENESIS_HASH : prev.hash;
    if (entry.prevHash !== expectedPrev) {
      return { brokenAt: entry.seq, reason: `prev_hash does not match the hash of entry ${expectedSeq - 1}` };
    }
    if (hashAuditEntry(entry) !== entry.hash) {
      return { brokenAt: entry.seq, reason: 'the entry was modified: its hash does not match its content' };
    }
    prev = entry;
  }
  return null;
}

import { findBrokenLink } from '../domain/audit/index.js';
import type { AuditChainResult, AuditEntry } from '../domain/audit/index.js';
import type { Repositories } from './types.js';

const PAGE = 500;

/**
 * Walks the whole audit log in seq order and names the FIRST broken link: a modified entry (hash
 * mismatch), a re-linked entry (prev_hash mismatch) or a deleted one (gap in seq).
 */
export async function verifyAuditChain(repos: Pick<Repositories, 'audit'>): Promise<AuditChainResult> {
  let previous: AuditEntry | null = null;
  let entries = 0;
  while (true) {
    const page = await repos.audit.list({ afterSeq: previous?.seq ?? 0, limit: PAGE });
    if (page.length === 0) return { ok: true, entries };
    const broken = findBrokenLink(previous, page);
    if (broken !== null) return { ok: false, brokenAt: broken.brokenAt, reason: broken.reason, entries };
    entries += page.length;
    previous = page[page.length - 1]!;
  }
}

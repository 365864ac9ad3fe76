import { describe, expect, it } from 'vitest';
import { canonicalJson, findBrokenLink, GENESIS_HASH, hashAuditEntry } from './index.js';
import type { AuditEntry } from './index.js';

function chain(n: number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (let seq = 1; seq <= n; seq++) {
    const unhashed = {
      seq,
      at: `2030-01-01T00:00:0${seq}.000Z`,
      actorUserId: 'u',
      actorRole: 'provider-admin',
      tenantId: null,
      action: 'a',
      target: `t:${seq}`,
      before: null,
      after: canonicalJson({ seq }),
      prevHash: entries[seq - 2]?.hash ?? GENESIS_HASH,
    };
    entries.push({ ...unhashed, hash: hashAuditEntry(unhashed) });
  }
  return entries;
}

describe('audit hash chain', () => {
  it('serializes canonically: key order does not change the text', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: 2 } })).toBe(
      canonicalJson({ a: { c: 2, d: [1, { y: 2, z: 1 }] }, b: 1 }),
    );
  });

  it('accepts an intact chain and names the first modified, re-linked or missing entry', () => {
    const entries = chain(4);
    expect(findBrokenLink(null, entries)).toBeNull();
    expect(
      findBrokenLink(
        null,
        entries.map((e) => (e.seq === 2 ? { ...e, target: 'forged' } : e)),
      ),
    ).toMatchObject({ brokenAt: 2 });
    expect(
      findBrokenLink(
        null,
        entries.map((e) => (e.seq === 3 ? { ...e, prevHash: GENESIS_HASH } : e)),
      ),
    ).toMatchObject({ brokenAt: 3 });
    expect(
      findBrokenLink(
        null,
        entries.filter((e) => e.seq !== 3),
      ),
    ).toMatchObject({ brokenAt: 3, reason: expect.stringMatching(/missing/) });
    // Continuing from a previous page.
    expect(findBrokenLink(entries[1]!, entries.slice(2))).toBeNull();
  });
});

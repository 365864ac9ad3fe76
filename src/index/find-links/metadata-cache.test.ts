/**
 * The find-links METADATA cache (issue 15: a warm resolve reads no wheel): a second source over
 * the same folder answers from the cache, and a wheel replaced in place is read again.
 */
import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildWheel, renderWheel } from '../../../test/support/wheels/index.js';
import { openFindLinks } from './index.js';

let dir: string;
let cacheDir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ratchet-find-links-cache-'));
  cacheDir = mkdtempSync(join(tmpdir(), 'ratchet-find-links-cache-dir-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(cacheDir, { recursive: true, force: true });
});

// Whole seconds: what utimes can put back exactly.
const BUILT_AT = new Date('2026-01-02T03:04:05Z');

/** Overwrites the wheel with same-sized garbage and puts its mtime back: only a cache can answer. */
function garbleKeepingIdentity(path: string): void {
  writeFileSync(path, Buffer.alloc(statSync(path).size, 0x20));
  utimesSync(path, BUILT_AT, BUILT_AT);
}

describe('openFindLinks with a cache folder', () => {
  it('answers a later process from the cache without opening the wheel', async () => {
    const filename = buildWheel(dir, { name: 'dbt-core', version: '1.10.0', requiresDist: ['agate>=1.9'] });
    utimesSync(join(dir, filename), BUILT_AT, BUILT_AT);
    const first = await openFindLinks(dir, { cacheDir }).fetchMetadata('dbt-core', '1.10.0');
    garbleKeepingIdentity(join(dir, filename));
    const second = await openFindLinks(dir, { cacheDir }).fetchMetadata('dbt-core', '1.10.0');
    expect(second.requiresDist).toEqual(first.requiresDist);
    expect(second.requiresDist).toEqual(['agate>=1.9']);
    // Without the cache the same garbled file is what it is: not a wheel.
    await expect(openFindLinks(dir).fetchMetadata('dbt-core', '1.10.0')).rejects.toThrow(
      /not a readable wheel/,
    );
  });

  it('reads a wheel again once it was replaced (another size or mtime)', async () => {
    buildWheel(dir, { name: 'dbt-core', version: '1.10.0', requiresDist: ['agate>=1.9'] });
    await openFindLinks(dir, { cacheDir }).fetchMetadata('dbt-core', '1.10.0');
    const rebuilt = renderWheel({
      name: 'dbt-core',
      version: '1.10.0',
      requiresDist: ['agate>=1.9', 'click>=8'],
    });
    writeFileSync(join(dir, rebuilt.filename), rebuilt.data);
    const later = new Date(Date.now() + 5_000);
    utimesSync(join(dir, rebuilt.filename), later, later);
    const again = await openFindLinks(dir, { cacheDir }).fetchMetadata('dbt-core', '1.10.0');
    expect(again.requiresDist).toEqual(['agate>=1.9', 'click>=8']);
  });

  it('works on when the cache folder cannot be written', async () => {
    buildWheel(dir, { name: 'agate', version: '1.9.1' });
    const blocked = join(cacheDir, 'a-file');
    writeFileSync(blocked, '');
    const metadata = await openFindLinks(dir, { cacheDir: blocked }).fetchMetadata('agate', '1.9.1');
    expect(metadata.version).toBe('1.9.1');
  });
});

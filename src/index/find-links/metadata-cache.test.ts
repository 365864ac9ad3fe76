/**
 * The find-links METADATA cache (issue 15: a warm resolve reads no wheel): a second source over
 * the same folder answers from the cache, a wheel replaced in place is read again, and the one
 * cache file per folder stays readable whatever happens to it.
 */
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildWheel, renderWheel } from '../../../test/support/wheels/index.js';
import { writeZip } from '../wheel-builder/zip-writer.js';
import { openFindLinks } from './index.js';
import { openWheelMetadataCache } from './metadata-cache.js';

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

/** Lets the source's scheduled cache write run (it writes once per burst of reads). */
function settled(): Promise<void> {
  return new Promise((done) => setImmediate(done));
}

/** The cache files of `cacheDir`, temporary ones included. */
function cacheFiles(): string[] {
  const folder = join(cacheDir, 'find-links-metadata-v2');
  return existsSync(folder) ? readdirSync(folder) : [];
}

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
    await settled();
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
    await settled();
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

  it('keeps one file for the folder, written once for a burst of reads', async () => {
    for (const version of ['1.0', '1.1', '1.2']) buildWheel(dir, { name: 'agate', version });
    const source = openFindLinks(dir, { cacheDir });
    await Promise.all(['1.0', '1.1', '1.2'].map((version) => source.fetchMetadata('agate', version)));
    await settled();
    const files = cacheFiles();
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^[0-9a-f]{64}\.json$/);
    const written = statSync(join(cacheDir, 'find-links-metadata-v2', files[0]!)).mtimeMs;
    // A warm run over the same wheels has nothing to add, so it does not write the file again.
    await openFindLinks(dir, { cacheDir }).fetchMetadata('agate', '1.1');
    await settled();
    expect(statSync(join(cacheDir, 'find-links-metadata-v2', files[0]!)).mtimeMs).toBe(written);
  });

  it('keeps only the header: the Description body is not cached', async () => {
    const header = 'Metadata-Version: 2.1\nName: agate\nVersion: 1.9.1\nRequires-Dist: babel>=2\n';
    const body = '# Agate\n\nRequires-Dist: a-line-of-the-readme\n';
    const filename = 'agate-1.9.1-py3-none-any.whl';
    const metadata = Buffer.from(`${header}\n${body}`, 'utf8');
    writeFileSync(
      join(dir, filename),
      writeZip([{ path: 'agate-1.9.1.dist-info/METADATA', data: metadata }]),
    );
    const source = openFindLinks(dir, { cacheDir });
    expect((await source.fetchMetadata('agate', '1.9.1')).requiresDist).toEqual(['babel>=2']);
    await settled();
    const info = statSync(join(dir, filename));
    const cache = openWheelMetadataCache(cacheDir, dir);
    expect(cache.get(filename, { size: info.size, mtimeMs: info.mtimeMs })).toBe(header);
  });

  it('does not use an entry for a wheel replaced in place with another size, or another mtime', async () => {
    const filename = buildWheel(dir, { name: 'dbt-core', version: '1.10.0', requiresDist: ['agate>=1.9'] });
    const path = join(dir, filename);
    utimesSync(path, BUILT_AT, BUILT_AT);
    await openFindLinks(dir, { cacheDir }).fetchMetadata('dbt-core', '1.10.0');
    await settled();
    // Same mtime, one byte longer: garbage, so only the cache could still answer.
    writeFileSync(path, Buffer.alloc(statSync(path).size + 1, 0x20));
    utimesSync(path, BUILT_AT, BUILT_AT);
    await expect(openFindLinks(dir, { cacheDir }).fetchMetadata('dbt-core', '1.10.0')).rejects.toThrow(
      /not a readable wheel/,
    );
    // Same size as the cached wheel, another mtime.
    const original = renderWheel({ name: 'dbt-core', version: '1.10.0', requiresDist: ['agate>=1.9'] });
    writeFileSync(path, Buffer.alloc(original.data.length, 0x20));
    const later = new Date(BUILT_AT.getTime() + 60_000);
    utimesSync(path, later, later);
    await expect(openFindLinks(dir, { cacheDir }).fetchMetadata('dbt-core', '1.10.0')).rejects.toThrow(
      /not a readable wheel/,
    );
  });

  it('reads the wheels again when the cache file is corrupt, and writes a good one', async () => {
    buildWheel(dir, { name: 'agate', version: '1.9.1', requiresDist: ['babel>=2'] });
    await openFindLinks(dir, { cacheDir }).fetchMetadata('agate', '1.9.1');
    await settled();
    const [name] = cacheFiles();
    const file = join(cacheDir, 'find-links-metadata-v2', name!);
    const good = readFileSync(file, 'utf8');
    const corrupt = [
      good.slice(0, good.length / 2),
      'null',
      '[]',
      JSON.stringify({ ...JSON.parse(good), format: 'something else' }),
      JSON.stringify({ ...JSON.parse(good), root: '/elsewhere' }),
      good.replace(/"Metadata-Version[^"]*"/, '7'),
      '\u0000\u0001',
    ];
    for (const text of corrupt) {
      writeFileSync(file, text);
      const source = openFindLinks(dir, { cacheDir });
      expect((await source.fetchMetadata('agate', '1.9.1')).requiresDist, text).toEqual(['babel>=2']);
      await settled();
      expect(JSON.parse(readFileSync(file, 'utf8')), text).toEqual(JSON.parse(good));
    }
  });

  it('works on when the cache file cannot be read or replaced', async () => {
    buildWheel(dir, { name: 'agate', version: '1.9.1' });
    await openFindLinks(dir, { cacheDir }).fetchMetadata('agate', '1.9.1');
    await settled();
    const [name] = cacheFiles();
    const file = join(cacheDir, 'find-links-metadata-v2', name!);
    rmSync(file);
    mkdirSync(join(file, 'in-the-way'), { recursive: true });
    const metadata = await openFindLinks(dir, { cacheDir }).fetchMetadata('agate', '1.9.1');
    expect(metadata.version).toBe('1.9.1');
    await settled();
    // The failed write left no temporary file behind.
    expect(cacheFiles()).toEqual([name]);
  });

  it('forgets wheels that left the folder when it next writes the file', async () => {
    const gone = buildWheel(dir, { name: 'agate', version: '1.0' });
    const kept = buildWheel(dir, { name: 'agate', version: '1.1' });
    const first = openFindLinks(dir, { cacheDir });
    await first.fetchMetadata('agate', '1.0');
    await first.fetchMetadata('agate', '1.1');
    await settled();
    rmSync(join(dir, gone));
    const added = buildWheel(dir, { name: 'babel', version: '2.0' });
    await openFindLinks(dir, { cacheDir }).fetchMetadata('babel', '2.0');
    await settled();
    const [name] = cacheFiles();
    const file = JSON.parse(readFileSync(join(cacheDir, 'find-links-metadata-v2', name!), 'utf8')) as {
      wheels: Record<string, unknown>;
    };
    expect(Object.keys(file.wheels).sort()).toEqual([kept, added].sort());
  });

  it('removes the folder of the previous format (one file per wheel) when it first writes', async () => {
    const legacy = join(cacheDir, 'find-links-metadata-v1', 'ab');
    mkdirSync(legacy, { recursive: true });
    writeFileSync(join(legacy, 'agate-1.0-py3-none-any.whl.json'), '{}');
    buildWheel(dir, { name: 'agate', version: '1.0' });
    const source = openFindLinks(dir, { cacheDir });
    await settled();
    expect(existsSync(legacy)).toBe(true);
    await source.fetchMetadata('agate', '1.0');
    await settled();
    expect(readdirSync(cacheDir)).toEqual(['find-links-metadata-v2']);
    expect(cacheFiles()).toHaveLength(1);
  });

  it('keeps what another process wrote since this one read the file', () => {
    const a = openWheelMetadataCache(cacheDir, dir);
    const b = openWheelMetadataCache(cacheDir, dir);
    const identity = { size: 10, mtimeMs: 1.5 };
    expect(b.get('b-1.0-py3-none-any.whl', identity)).toBe(null);
    a.set('a-1.0-py3-none-any.whl', identity, 'Name: a\nVersion: 1.0\n');
    a.flush();
    b.set('b-1.0-py3-none-any.whl', identity, 'Name: b\nVersion: 1.0\n');
    b.flush();
    const later = openWheelMetadataCache(cacheDir, dir);
    expect(later.get('a-1.0-py3-none-any.whl', identity)).toBe('Name: a\nVersion: 1.0\n');
    expect(later.get('b-1.0-py3-none-any.whl', identity)).toBe('Name: b\nVersion: 1.0\n');
    expect(later.get('a-1.0-py3-none-any.whl', { size: 10, mtimeMs: 2 })).toBe(null);
  });

  it('stays readable while two processes write it at once', async () => {
    const file = join(cacheDir, 'find-links-metadata-v2');
    const module = join(import.meta.dirname, 'metadata-cache.ts');
    // Each writer flushes 40 times, 25 new entries of ~1 kB each time, as fast as it can.
    const writer = (tag: string): Promise<number | null> =>
      new Promise((done, fail) => {
        const script = `
          const { openWheelMetadataCache } = await import(${JSON.stringify(module)});
          const cache = openWheelMetadataCache(${JSON.stringify(cacheDir)}, ${JSON.stringify(dir)});
          for (let round = 0; round < 40; round++) {
            for (let i = 0; i < 25; i++)
              cache.set('${tag}-' + round + '.' + i + '-py3-none-any.whl', { size: i, mtimeMs: round }, 'Name: ${tag}\\n'.repeat(80));
            cache.flush();
          }`;
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
          stdio: ['ignore', 'ignore', 'inherit'],
        });
        child.on('error', fail);
        child.on('exit', done);
      });
    const writers = Promise.all([writer('one'), writer('two')]);
    let running = true;
    void writers.finally(() => (running = false));
    let reads = 0;
    while (running) {
      for (const name of existsSync(file) ? readdirSync(file) : []) {
        if (name.endsWith('.tmp')) continue;
        let text: string;
        try {
          text = readFileSync(join(file, name), 'utf8');
        } catch {
          continue; // Renamed away between readdir and read.
        }
        const parsed = JSON.parse(text) as { format: string; wheels: Record<string, unknown> };
        expect(parsed.format).toBe('ratchet find-links metadata v2');
        reads++;
      }
      await sleep(2);
    }
    expect(await writers).toEqual([0, 0]);
    expect(reads).toBeGreaterThan(0);
    expect(cacheFiles().filter((name) => name.endsWith('.tmp'))).toEqual([]);
    // Whichever rename came last, its writer's final round is all there and readable.
    const cache = openWheelMetadataCache(cacheDir, dir);
    const lastRound = (tag: string): boolean =>
      Array.from({ length: 25 }, (_, i) =>
        cache.get(`${tag}-39.${i}-py3-none-any.whl`, { size: i, mtimeMs: 39 }),
      ).every((header) => header === `Name: ${tag}\n`.repeat(80));
    expect(lastRound('one') || lastRound('two')).toBe(true);
  }, 60_000);
});

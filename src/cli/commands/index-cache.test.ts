/**
 * Issue 3, "a metadata cache (metadata files are immutable)", as the product uses it: `--index-url`
 * commands keep fetched METADATA under `--cache-dir` (default RATCHET_CACHE_DIR, else the user's
 * cache folder), so a second run asks the index for listings only.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCacheDir } from '../../index/index.js';
import { startSimpleIndexServer } from '../../index/test-server/index.js';
import type { SimpleIndexServer } from '../../index/test-server/index.js';
import { runRatchet } from '../../../test/support/cli.js';
import { buildFindLinksFromUniverse } from '../../../test/support/wheels/index.js';

async function resolveVia(
  index: string,
  cacheDir: string,
): Promise<{ code: number; json: { status?: string } }> {
  const run = await runRatchet([
    'resolve',
    '--index-url',
    index,
    '--python',
    '3.11',
    '--cache-dir',
    cacheDir,
    '--json',
    'dbt-snowflake',
  ]);
  return { code: run.code, json: JSON.parse(run.stdout) as { status?: string } };
}

describe('index metadata cache', () => {
  let dir: string;
  let index: SimpleIndexServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ratchet-index-cache-'));
    const wheels = join(dir, 'wheels');
    mkdirSync(wheels);
    buildFindLinksFromUniverse(wheels, {
      'dbt-core': { '1.10.4': {}, '1.11.2': {} },
      'dbt-snowflake': { '1.11.0': { requires_dist: ['dbt-core>=1.11'] } },
    });
    index = await startSimpleIndexServer({ dir: wheels });
  });
  afterAll(async () => {
    await index.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fetches METADATA once: the second run reads it from --cache-dir', async () => {
    const cacheDir = join(dir, 'cache');
    const first = await resolveVia(index.url, cacheDir);
    expect(first.code, JSON.stringify(first.json)).toBe(0);
    const metadataFetches = (): number => index.requests.filter((r) => r.includes('.metadata')).length;
    const fetchedFirst = metadataFetches();
    expect(fetchedFirst).toBeGreaterThan(0);
    expect(readdirSync(join(cacheDir, 'metadata-v1')).length).toBe(fetchedFirst);

    const second = await resolveVia(index.url, cacheDir);
    expect(second.code).toBe(0);
    expect(second.json).toEqual(first.json);
    expect(metadataFetches()).toBe(fetchedFirst);
  });

  it('"off" keeps it in memory only', async () => {
    const before = index.requests.filter((r) => r.includes('.metadata')).length;
    const run = await resolveVia(index.url, 'off');
    expect(run.code).toBe(0);
    expect(index.requests.filter((r) => r.includes('.metadata')).length).toBeGreaterThan(before);
    expect(existsSync(join(process.cwd(), 'off'))).toBe(false);
  });

  it('defaults to RATCHET_CACHE_DIR, then XDG_CACHE_HOME, then ~/.cache', () => {
    expect(defaultCacheDir({ RATCHET_CACHE_DIR: '/srv/cache' })).toBe('/srv/cache');
    expect(defaultCacheDir({ RATCHET_CACHE_DIR: 'off' })).toBeUndefined();
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/x/cache' })).toBe('/x/cache/ratchet');
    expect(defaultCacheDir({})).toMatch(/\.cache\/ratchet$/);
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { readWheelMetadata } from '../../../src/index/wheel-metadata.js';
import { parseCoreMetadata } from '../../../src/python/metadata/index.js';
import { normalizeName } from '../../../src/python/names/index.js';
import { parseSpecifierSet } from '../../../src/python/specifier/index.js';
import {
  buildDbtStackFindLinks,
  buildFindLinksFromUniverse,
  buildWheel,
  readDbtStackRecords,
} from './index.js';
import type { Universe } from './index.js';

interface PipReport {
  install: { metadata: { name: string; version: string } }[];
}

// The oracle: pip 23.2.1, isolated from this machine's pip configuration (fixtures/README.md).
function pipResolve(dir: string, requirements: string[]): Record<string, string> {
  const output = execFileSync(
    'python3',
    [
      '-m',
      'pip',
      'install',
      '--isolated',
      '--no-index',
      '--find-links',
      dir,
      '--dry-run',
      '--ignore-installed',
      '--quiet',
      '--report',
      '-',
      ...requirements,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const report = JSON.parse(output) as PipReport;
  return Object.fromEntries(
    report.install.map((item) => [normalizeName(item.metadata.name), item.metadata.version]),
  );
}

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ratchet-wheels-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('buildWheel', () => {
  it('writes wheels pip accepts, with dependencies, extras and Requires-Python', () => {
    const dir = tempDir();
    const filename = buildWheel(dir, {
      name: 'Dbt.Core',
      version: '1.10.0',
      requiresDist: ['agate>=1.7,<1.10', 'pandas; extra == "df"'],
      requiresPython: '>=3.9',
      providesExtra: ['df'],
    });
    expect(filename).toBe('dbt_core-1.10.0-py3-none-any.whl');
    // A newer release pip must skip because its Requires-Python (read from METADATA) excludes 3.11.
    buildWheel(dir, { name: 'dbt-core', version: '1.11.0', requiresPython: '>=4' });
    buildWheel(dir, { name: 'agate', version: '1.9.1' });
    buildWheel(dir, { name: 'agate', version: '1.10.0' });
    buildWheel(dir, { name: 'pandas', version: '2.2.0' });
    expect(pipResolve(dir, ['dbt-core[df]'])).toEqual({
      'dbt-core': '1.10.0',
      agate: '1.9.1',
      pandas: '2.2.0',
    });
  }, 60_000);

  it('stores METADATA that reads back identically, and a sidecar when asked', async () => {
    const dir = tempDir();
    const filename = buildWheel(dir, {
      name: 'snowflake-connector-python',
      version: '3.12.0',
      requiresDist: ['keyring<26; extra == "secure-local-storage"'],
      providesExtra: ['secure-local-storage'],
      metadataSidecar: true,
    });
    const fromZip = await readWheelMetadata(join(dir, filename), filename);
    expect(readFileSync(join(dir, `${filename}.metadata`), 'utf8')).toBe(fromZip);
    expect(parseCoreMetadata(fromZip).metadata.requiresDist).toEqual([
      'keyring<26; extra == "secure-local-storage"',
    ]);
  });

  it('builds a thousand wheels quickly (benchmarks build large folders)', () => {
    const dir = tempDir();
    const started = performance.now();
    for (let index = 0; index < 1000; index += 1) {
      buildWheel(dir, {
        name: `pkg-${String(index % 100)}`,
        version: `1.${String(index)}.0`,
        requiresDist: ['a>=1'],
      });
    }
    expect(readdirSync(dir)).toHaveLength(1000);
    expect(performance.now() - started).toBeLessThan(15_000);
  });
});

describe('buildFindLinksFromUniverse', () => {
  it('builds a packse universe that pip resolves as packse expects', () => {
    // packse scenario "extra-required" shape (../shared/fixtures/packse-scenarios.json).
    const universe: Universe = {
      a: {
        '1.0.0': {
          requires_dist: ['b; extra == "extra-b"', 'c; extra == "extra-c"'],
          requires_python: null,
          provides_extra: ['extra-b', 'extra-c'],
        },
      },
      b: { '1.0.0': { requires_dist: [], requires_python: null } },
      c: { '1.0.0': { requires_dist: [], requires_python: null }, '2.0.0': { requires_python: '>=4' } },
    };
    const dir = tempDir();
    expect(buildFindLinksFromUniverse(dir, universe).sort()).toEqual([
      'a-1.0.0-py3-none-any.whl',
      'b-1.0.0-py3-none-any.whl',
      'c-1.0.0-py3-none-any.whl',
      'c-2.0.0-py3-none-any.whl',
    ]);
    expect(pipResolve(dir, ['a[extra-c]'])).toEqual({ a: '1.0.0', c: '1.0.0' });
  }, 60_000);
});

describe('buildDbtStackFindLinks', () => {
  it('models every unlisted dependency so each constraint of the fixture can be met', () => {
    const dir = tempDir();
    const records = readDbtStackRecords();
    const { filenames, leaves } = buildDbtStackFindLinks(dir, records);
    expect(filenames.length).toBe(readdirSync(dir).length);
    for (const name of ['protobuf', 'agate', 'mashumaro', 'jinja2', 'keyring'])
      expect(leaves.has(name)).toBe(true);
    for (const record of records) {
      for (const requirement of record.requires_dist) {
        const match = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*([^;]*)/.exec(requirement)!;
        const versions = leaves.get(normalizeName(match[1]!));
        if (!versions) continue; // a listed package of the fixture, not a leaf
        const spec = match[2]!.trim();
        expect(
          versions.some((version) => spec === '' || parseSpecifierSet(spec).contains(version)),
          `${record.package} ${record.version}: ${requirement}`,
        ).toBe(true);
      }
    }
  });

  it('is a folder pip resolves the real dbt-snowflake stack from', () => {
    const dir = tempDir();
    buildDbtStackFindLinks(dir);
    const resolved = pipResolve(dir, ['dbt-snowflake==1.10.*']);
    expect(resolved['dbt-snowflake']).toMatch(/^1\.10\./);
    expect(resolved['dbt-core']).toBeDefined();
    expect(resolved.protobuf).toBeDefined();
  }, 60_000);
});

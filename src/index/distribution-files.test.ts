import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWheel } from '../../test/support/wheels/index.js';
import { distributionFilesOf, openFindLinks, openSimpleIndex } from './index.js';
import { startSimpleIndexServer } from './test-server/index.js';

let dir: string;
let expected: { filename: string; sha256: string; size: number }[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ratchet-dist-files-'));
  const filenames = [
    buildWheel(dir, { name: 'dbt-core', version: '1.10.15' }),
    buildWheel(dir, { name: 'dbt-core', version: '1.10.15', tag: 'cp311-cp311-manylinux_2_17_x86_64' }),
    buildWheel(dir, { name: 'dbt-core', version: '1.11.0' }),
  ];
  writeFileSync(join(dir, 'dbt_core-1.10.15.tar.gz'), 'not really an sdist, but hashed all the same');
  expected = [...filenames.slice(0, 2), 'dbt_core-1.10.15.tar.gz']
    .map((filename) => {
      const bytes = readFileSync(join(dir, filename));
      return { filename, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
    })
    .sort((a, b) => (a.filename < b.filename ? -1 : 1));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('distributionFilesOf', () => {
  it('hashes a find-links folder by reading every file of the release', async () => {
    const files = await distributionFilesOf(openFindLinks(dir), 'DBT_Core', '1.10.15.0');
    expect(files).toEqual(
      expected.map((file) => ({
        ...file,
        url: pathToFileURL(join(dir, file.filename)).href,
        kind: file.filename.endsWith('.whl') ? 'wheel' : 'sdist',
      })),
    );
  });

  it.each(['json', 'html'] as const)('takes the hashes an index states (PEP %s)', async (format) => {
    const server = await startSimpleIndexServer({ dir, format });
    try {
      const files = await distributionFilesOf(openSimpleIndex(server.url), 'dbt-core', '1.10.15');
      expect(files.map(({ filename, sha256 }) => ({ filename, sha256 }))).toEqual(
        expected.map(({ filename, sha256 }) => ({ filename, sha256 })),
      );
      expect(files.every((file) => file.url.startsWith('http://'))).toBe(true);
      // PEP 700 `size` exists only in the JSON form; PEP 503 HTML has no place for it.
      expect(files.map((file) => file.size)).toEqual(
        format === 'json' ? expected.map((file) => file.size) : expected.map(() => undefined),
      );
    } finally {
      await server.close();
    }
  });

  it('answers nothing for a release or project the source does not list', async () => {
    const source = openFindLinks(dir);
    expect(await distributionFilesOf(source, 'dbt-core', '9.9.9')).toEqual([]);
    expect(await distributionFilesOf(source, 'nothing-here', '1.0')).toEqual([]);
  });
});

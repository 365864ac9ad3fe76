import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { InputError, NotFoundError } from '../../domain/errors/index.js';
import { buildWheel } from '../../../test/support/wheels/index.js';
import { openFindLinks } from './index.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ratchet-find-links-'));
  buildWheel(dir, {
    name: 'dbt-core',
    version: '1.9.0',
    requiresDist: ['agate>=1.7'],
    requiresPython: '>=3.9',
  });
  buildWheel(dir, {
    name: 'dbt-core',
    version: '1.10.0',
    requiresDist: ['agate>=1.9'],
    metadataSidecar: true,
  });
  buildWheel(dir, { name: 'dbt-core', version: '1.10.0rc1' });
  buildWheel(dir, { name: 'agate', version: '1.9.1' });
  writeFileSync(join(dir, 'dbt-core-1.11.0.tar.gz'), 'not really an sdist');
  writeFileSync(join(dir, 'README.txt'), 'not a distribution');
  // A sidecar that disagrees with its wheel shows which one is read.
  writeFileSync(
    join(dir, 'dbt_core-1.10.0-py3-none-any.whl.metadata'),
    'Metadata-Version: 2.1\nName: dbt-core\nVersion: 1.10.0\nRequires-Dist: from-the-sidecar\n',
  );
  writeFileSync(join(dir, 'broken-1.0-py3-none-any.whl'), 'not a zip');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('openFindLinks', () => {
  it('lists wheels and sdists per release, ascending by PEP 440, under the normalized name', async () => {
    const releases = await openFindLinks(dir).listReleases('DBT_Core');
    expect(releases?.name).toBe('dbt-core');
    expect([...releases!.versions.keys()]).toEqual(['1.9.0', '1.10.0rc1', '1.10.0', '1.11.0']);
    const sdist = releases!.versions.get('1.11.0')!;
    expect(sdist.map((file) => [file.filename, file.kind])).toEqual([['dbt-core-1.11.0.tar.gz', 'sdist']]);
    const [wheel] = releases!.versions.get('1.9.0')!;
    expect(wheel?.url).toBe(`file://${dir}/dbt_core-1.9.0-py3-none-any.whl`);
    expect(wheel?.hashes.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(wheel?.yanked).toBe(false);
  });

  it('answers null for a project the folder does not have', async () => {
    expect(await openFindLinks(dir).listReleases('protobuf')).toBe(null);
  });

  it('reads METADATA from the wheel, or from its sidecar when there is one', async () => {
    const source = openFindLinks(dir);
    const old = await source.fetchMetadata('dbt-core', '1.9.0');
    expect(old).toMatchObject({
      name: 'dbt-core',
      version: '1.9.0',
      requiresPython: '>=3.9',
      requiresDist: ['agate>=1.7'],
    });
    expect((await source.fetchMetadata('dbt-core', '1.10')).requiresDist).toEqual(['from-the-sidecar']);
  });

  it('refuses sdist-only releases, unknown releases and broken wheels with domain errors', async () => {
    const source = openFindLinks(dir);
    await expect(source.fetchMetadata('dbt-core', '1.11.0')).rejects.toThrow(NotFoundError);
    await expect(source.fetchMetadata('dbt-core', '0.1')).rejects.toThrow(NotFoundError);
    await expect(source.fetchMetadata('broken', '1.0')).rejects.toThrow(InputError);
  });

  it('refuses a folder that does not exist', async () => {
    await expect(openFindLinks(join(dir, 'missing')).listReleases('a')).rejects.toThrow(InputError);
  });
});

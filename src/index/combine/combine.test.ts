import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { InputError, NotFoundError } from '../../domain/errors/index.js';
import { buildWheel } from '../../../test/support/wheels/index.js';
import { openFindLinks } from '../find-links/index.js';
import { combineSources } from './index.js';

let first: string;
let second: string;
beforeAll(() => {
  first = mkdtempSync(join(tmpdir(), 'ratchet-combine-a-'));
  second = mkdtempSync(join(tmpdir(), 'ratchet-combine-b-'));
  buildWheel(first, { name: 'agate', version: '1.9.0', requiresDist: ['from-first'] });
  writeFileSync(join(first, 'agate-1.10.0.tar.gz'), 'sdist');
  buildWheel(second, { name: 'agate', version: '1.9.0', requiresDist: ['from-second'] });
  buildWheel(second, { name: 'agate', version: '1.10.0', requiresDist: ['wheel-from-second'] });
  buildWheel(second, { name: 'agate', version: '1.8' });
  buildWheel(second, { name: 'pytz', version: '2024.1' });
});
afterAll(() => {
  rmSync(first, { recursive: true, force: true });
  rmSync(second, { recursive: true, force: true });
});

describe('combineSources', () => {
  it('unites the files of every source per release, ascending', async () => {
    const combined = combineSources([openFindLinks(first), openFindLinks(second)]);
    const releases = await combined.listReleases('agate');
    expect([...releases!.versions.keys()]).toEqual(['1.8', '1.9.0', '1.10.0']);
    // Same filename in both folders: listed once, from the first source.
    const files = releases!.versions.get('1.9.0')!;
    expect(files.map((file) => file.url)).toEqual([`file://${first}/agate-1.9.0-py3-none-any.whl`]);
    expect(releases!.versions.get('1.10.0')!.map((file) => file.filename)).toEqual([
      'agate-1.10.0.tar.gz',
      'agate-1.10.0-py3-none-any.whl',
    ]);
    expect((await combined.listReleases('pytz'))?.versions.size).toBe(1);
    expect(await combined.listReleases('nothing-here')).toBe(null);
  });

  it('takes metadata from the first source with a wheel of the release', async () => {
    const combined = combineSources([openFindLinks(first), openFindLinks(second)]);
    expect((await combined.fetchMetadata('agate', '1.9.0')).requiresDist).toEqual(['from-first']);
    // The first folder only has the sdist of 1.10.0.
    expect((await combined.fetchMetadata('agate', '1.10.0')).requiresDist).toEqual(['wheel-from-second']);
    await expect(combined.fetchMetadata('agate', '2.0')).rejects.toThrow(NotFoundError);
  });

  it('needs at least one source', () => {
    expect(() => combineSources([])).toThrow(InputError);
  });
});

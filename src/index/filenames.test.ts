import { describe, expect, it } from 'vitest';

import { isValidVersion } from '../python/version/index.js';
import {
  parseDistributionFilename,
  parseSdistFilename,
  parseWheelFilename,
  wheelFilenameVersion,
} from './filenames.js';

describe('parseWheelFilename (binary distribution format, file name convention)', () => {
  it('reads name and version, with or without a build tag', () => {
    expect(parseWheelFilename('dbt_core-1.10.2-py3-none-any.whl')).toEqual({
      name: 'dbt-core',
      version: '1.10.2',
      kind: 'wheel',
    });
    expect(
      parseWheelFilename('Snowflake_Connector_Python-3.12.0-1-cp311-cp311-manylinux_2_17_x86_64.whl'),
    ).toEqual({ name: 'snowflake-connector-python', version: '3.12.0', kind: 'wheel' });
  });

  it('rejects names that do not follow the convention', () => {
    expect(parseWheelFilename('dbt_core-1.10.2-py3-none.whl')).toBe(null);
    expect(parseWheelFilename('dbt_core-not.a.version-py3-none-any.whl')).toBe(null);
    expect(parseWheelFilename('dbt_core-1.10.2.tar.gz')).toBe(null);
  });

  it('gives a folder scan the same version as the name split at every dash', () => {
    // The rule as the format states it, written the obvious way, against the scan's fast path.
    const bySplit = (filename: string): string | null => {
      if (!filename.endsWith('.whl')) return null;
      const parts = filename.slice(0, -4).split('-');
      if ((parts.length !== 5 && parts.length !== 6) || parts[0] === '') return null;
      const version = parts[1]!.replace(/_/g, '-');
      return isValidVersion(version) ? version : null;
    };
    const names = [
      'dbt_core-1.10.2-py3-none-any.whl',
      'pkg-1.0_post1-py3-none-any.whl',
      'pkg-1.0-1-cp311-cp311-manylinux_2_17_x86_64.whl',
      '-1.0-py3-none-any.whl',
      'pkg-1.0-py3-none.whl',
      'pkg-1.0-1-2-py3-none-any.whl',
      'pkg--py3-none-any.whl',
      'pkg-1.0-py3-none-any.whl.metadata',
      'pkg-1.0.tar.gz',
    ];
    for (const name of names) expect(wheelFilenameVersion(name), name).toBe(bySplit(name));
    expect(wheelFilenameVersion('pkg-1.0_post1-py3-none-any.whl')).toBe('1.0-post1');
    expect(wheelFilenameVersion('pkg-1.0-1-2-py3-none-any.whl')).toBe(null);
  });
});

describe('parseSdistFilename', () => {
  it('splits at the last dash without a project, at the project name with one', () => {
    expect(parseSdistFilename('dbt-core-1.10.2.tar.gz')).toEqual({
      name: 'dbt-core',
      version: '1.10.2',
      kind: 'sdist',
    });
    // A version that contains '-' (a post release spelled '1.0-1') needs the project name to split.
    expect(parseSdistFilename('foo-bar-1.0-1.zip', 'foo-bar')).toEqual({
      name: 'foo-bar',
      version: '1.0-1',
      kind: 'sdist',
    });
    expect(parseSdistFilename('pytz-2024.1.tar.bz2')?.version).toBe('2024.1');
    expect(parseSdistFilename('pytz-2024.1.exe')).toBe(null);
    expect(parseDistributionFilename('pytz-2024.1-py2.7.egg')).toBe(null);
  });
});

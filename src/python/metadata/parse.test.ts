import { describe, expect, it } from 'vitest';

import { InputError } from '../../domain/errors/index.js';
import { readDbtStackRecords, renderCoreMetadata } from '../../../test/support/wheels/index.js';
import { parseCoreMetadata } from './index.js';

// Shaped like the METADATA setuptools writes for dbt-core 1.10 (headers, folded License, a
// Description body after the blank line).
const DBT_CORE_METADATA = [
  'Metadata-Version: 2.1',
  'Name: dbt-core',
  'Version: 1.10.2',
  'Summary: With dbt, data analysts and engineers can build analytics the way engineers build applications.',
  'Home-page: https://github.com/dbt-labs/dbt-core',
  'Author: dbt Labs',
  'License: Apache License 2.0',
  '        which continues here',
  'Classifier: Development Status :: 5 - Production/Stable',
  'Classifier: Programming Language :: Python :: 3.9',
  'Requires-Python: >=3.9',
  'Description-Content-Type: text/markdown',
  'Requires-Dist: agate<1.10,>=1.7.0',
  'Requires-Dist: Jinja2<4,>=3.1.3',
  'Requires-Dist: mashumaro[msgpack]<3.15,>=3.9',
  'Requires-Dist: snowflake-connector-python[secure-local-storage]>=3.0; extra == "snowflake"',
  'Provides-Extra: snowflake',
  '',
  '<p align="center">',
  'Requires-Dist: not-a-header-but-the-description',
  '',
].join('\n');

describe('parseCoreMetadata', () => {
  it('reads the fields resolution needs and ignores the description body', () => {
    const { metadata, warnings } = parseCoreMetadata(DBT_CORE_METADATA);
    expect(metadata).toEqual({
      name: 'dbt-core',
      version: '1.10.2',
      requiresPython: '>=3.9',
      requiresDist: [
        'agate<1.10,>=1.7.0',
        'Jinja2<4,>=3.1.3',
        'mashumaro[msgpack]<3.15,>=3.9',
        'snowflake-connector-python[secure-local-storage]>=3.0; extra == "snowflake"',
      ],
      providesExtra: ['snowflake'],
      summary:
        'With dbt, data analysts and engineers can build analytics the way engineers build applications.',
    });
    expect(warnings).toEqual([]);
  });

  it('round-trips every real dbt stack release record of the fixture', () => {
    // Records from ../shared/fixtures/dbt-stack-requirements.json (read from the packages' repositories).
    const records = readDbtStackRecords();
    expect(records.length).toBeGreaterThan(20);
    for (const record of records) {
      const text = renderCoreMetadata({
        name: record.package,
        version: record.version,
        requiresPython: record.requires_python,
        requiresDist: record.requires_dist,
      });
      const { metadata, warnings } = parseCoreMetadata(text);
      expect(metadata.name).toBe(record.package);
      expect(metadata.version).toBe(record.version);
      expect(metadata.requiresPython).toBe(record.requires_python);
      expect(metadata.requiresDist).toEqual(record.requires_dist);
      expect(warnings).toEqual([]);
    }
  });

  it('accepts CRLF line endings, a BOM and case-insensitive field names', () => {
    const text = '\uFEFFmetadata-version: 2.1\r\nNAME: agate\r\nversion:   1.9.1  \r\nrequires-dist: six\r\n';
    const { metadata, warnings } = parseCoreMetadata(text);
    expect(metadata.name).toBe('agate');
    expect(metadata.version).toBe('1.9.1');
    expect(metadata.requiresDist).toEqual(['six']);
    expect(warnings).toEqual(['Ignored a byte order mark at the start of the metadata.']);
  });

  it('treats a missing Requires-Python as no constraint, and an empty one with a warning', () => {
    expect(
      parseCoreMetadata('Metadata-Version: 1.1\nName: pytz\nVersion: 2024.1\n').metadata.requiresPython,
    ).toBe(null);
    const empty = parseCoreMetadata(
      'Metadata-Version: 2.1\nName: pytz\nVersion: 2024.1\nRequires-Python: \n',
    );
    expect(empty.metadata.requiresPython).toBe(null);
    expect(empty.warnings).toEqual(['Read an empty Requires-Python field as no Python constraint.']);
  });

  it('warns about an unknown or missing Metadata-Version but still reads the fields', () => {
    const future = parseCoreMetadata('Metadata-Version: 3.0\nName: a\nVersion: 1.0\n');
    expect(future.metadata.name).toBe('a');
    expect(future.warnings).toHaveLength(1);
    expect(future.warnings[0]).toContain("Unknown Metadata-Version '3.0'");
    const none = parseCoreMetadata('Name: a\nVersion: 1.0\n');
    expect(none.warnings[0]).toContain('no Metadata-Version');
  });

  it('keeps the first of repeated single fields, as the email parser pip uses does', () => {
    const { metadata, warnings } = parseCoreMetadata(
      'Metadata-Version: 2.1\nName: a\nVersion: 1.0\nVersion: 2.0\nRequires-Python: >=3.8\nRequires-Python: >=3.8\n',
    );
    expect(metadata.version).toBe('1.0');
    // An identical repeat changes nothing, so it is not worth a warning.
    expect(warnings).toEqual(["Ignored a repeated Version field on line 4 ('2.0'); kept the first ('1.0')."]);
  });

  it('normalizes and de-duplicates Provides-Extra names (PEP 685)', () => {
    const { metadata, warnings } = parseCoreMetadata(
      'Metadata-Version: 2.1\nName: snowflake-connector-python\nVersion: 3.12.0\n' +
        'Provides-Extra: secure_local_storage\nProvides-Extra: Secure-Local-Storage\nProvides-Extra: pandas\n',
    );
    expect(metadata.providesExtra).toEqual(['secure-local-storage', 'pandas']);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain("'secure_local_storage' to 'secure-local-storage'");
  });

  it('joins a folded Requires-Dist and skips stray lines, with warnings', () => {
    const { metadata, warnings } = parseCoreMetadata(
      'Metadata-Version: 2.1\nName: a\nVersion: 1.0\nRequires-Dist: b>=1,\n\t<2\nthis line is junk\nRequires-Dist: c\n',
    );
    expect(metadata.requiresDist).toEqual(['b>=1, <2', 'c']);
    expect(warnings).toEqual([
      "Ignored line 6: not a 'Field: value' header.",
      'Joined the Requires-Dist field folded over 2 lines.',
    ]);
  });

  it('refuses metadata without a valid Name or Version', () => {
    expect(() => parseCoreMetadata('Metadata-Version: 2.1\nVersion: 1.0\n')).toThrow(InputError);
    expect(() => parseCoreMetadata('Metadata-Version: 2.1\nName: -bad-\nVersion: 1.0\n')).toThrow(
      /invalid project '-bad-'/,
    );
    expect(() => parseCoreMetadata('Metadata-Version: 2.1\nName: a\n')).toThrow(/has no Version field/);
    expect(() => parseCoreMetadata('Metadata-Version: 2.1\nName: a\nVersion: 1.0-banana\n')).toThrow(
      /not a PEP 440 version/,
    );
    // The body is not headers: a Name there does not count.
    expect(() => parseCoreMetadata('Metadata-Version: 2.1\n\nName: a\nVersion: 1.0\n')).toThrow(/no Name/);
  });
});

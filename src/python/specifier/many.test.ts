// admittedFlags must keep exactly what SpecifierSet.filter keeps: it is the resolver's fast path
// for the same question. Held to it over pypa/packaging's vectors (every valid specifier against
// every version the vectors name, plus strings that are not versions), one shared VersionList so
// that clauses answered for one set are reused by the next, as in a resolve.
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { admittedFlags, parseSpecifierSet, versionList } from './index.js';

interface Vectors {
  version_valid: string[];
  specifier_valid: string[];
  specifierset_filter: { specifier: string; input: unknown[] }[];
  specifier_prereleases: { specifier: string; version: string }[];
}

const vectors = JSON.parse(
  readFileSync(new URL('../../../../shared/fixtures/packaging-vectors.json', import.meta.url), 'utf8'),
) as Vectors;

const versions = [
  ...new Set([
    ...vectors.version_valid,
    ...vectors.specifier_prereleases.map((row) => row.version),
    ...vectors.specifierset_filter.flatMap((row) =>
      row.input.filter((v): v is string => typeof v === 'string'),
    ),
    'not-a-version',
  ]),
];

const sets = [
  ...new Set([
    '',
    ...vectors.specifier_valid,
    ...vectors.specifierset_filter.map((row) => row.specifier),
    ...vectors.specifier_prereleases.map((row) => row.specifier),
    '>=1.0,<2.0',
    '>=1.0,!=1.5.*',
    '~=1.4.5,>1.4.6',
  ]),
].filter((text) => {
  try {
    parseSpecifierSet(text);
    return true;
  } catch {
    return false;
  }
});

describe('admittedFlags', () => {
  it('reads enough of the vectors to mean something', () => {
    expect(versions.length).toBeGreaterThan(100);
    expect(sets.length).toBeGreaterThan(50);
  });

  for (const options of [{}, { prereleases: true }, { prereleases: false }]) {
    it(`keeps what filter keeps, set by set, with ${JSON.stringify(options)}`, () => {
      const list = versionList(versions);
      for (const text of sets) {
        const set = parseSpecifierSet(text);
        const kept = admittedFlags(set, list, options).flatMap((flag, i) => (flag ? [versions[i]] : []));
        expect({ text, kept }).toEqual({ text, kept: set.filter(versions, options) });
      }
      // The clauses were answered once each and reused.
      expect(list.clauses.size).toBeGreaterThan(0);
    });
  }

  it('answers a clause once per list, whichever set asks', () => {
    const list = versionList(['0.9', '1.0', '1.5', '2.0', '2.1rc1']);
    admittedFlags(parseSpecifierSet('>=1.0,<2.0'), list);
    admittedFlags(parseSpecifierSet('>=1.0'), list);
    expect([...list.clauses.keys()].sort()).toEqual(['<2.0', '>=1.0']);
  });
});

// Held to pypa/packaging's own test vectors (packaging@053c8846, tests/test_version.py and
// tests/test_specifiers.py parametrize data), in ../shared/fixtures/packaging-vectors.json.
// Ratchet reads single clauses as packaging 22+ does (PEP 440), but decides whether pre-releases
// are admitted as pip 23.2.1 does, because pip installs the images: the rows where pip's vendored
// packaging 21.3 answers differently from packaging 26 are listed in PIP_POLICY with the reason,
// and each was checked with `python3 -m pip`'s `pip._vendor.packaging.specifiers`.
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import {
  compareVersions,
  isPrerelease,
  isValidVersion,
  normalizeVersion,
  parseVersion,
} from '../version/index.js';
import { parseSpecifier, parseSpecifierSet } from './index.js';

type Opt = boolean | null;
interface Vectors {
  version_valid: string[];
  version_invalid: string[];
  version_normalized: { version: string; normalized: string }[];
  version_comparison_true: { left: string; right: string; op: string }[];
  version_comparison_false: { left: string; right: string; op: string }[];
  version_is_prerelease: { version: string; expected: boolean }[];
  version_public: { version: string; public: string }[];
  specifier_contains_prereleases_true: { version: string; spec_str: string; expected: boolean }[];
  specifier_prereleases: {
    specifier: string;
    version: string;
    spec_pre: Opt;
    contains_pre: Opt;
    expected: boolean;
  }[];
  specifier_valid: string[];
  specifier_invalid: string[];
  specifierset_filter: {
    specifier: string;
    specifier_prereleases: Opt;
    prereleases: Opt;
    input: unknown[];
    expected: unknown[];
  }[];
  specifierset_contains_exclusionary: {
    specifier: string;
    prereleases: Opt;
    version: string;
    expected: boolean;
  }[];
  specifierset_satisfiable: string[];
  specifierset_unsatisfiable: string[];
}

const vectors = JSON.parse(
  readFileSync(new URL('../../../../shared/fixtures/packaging-vectors.json', import.meta.url), 'utf8'),
) as Vectors;

const PIP_NO_FALLBACK =
  'pip 23.2.1: a set whose clauses name no pre-release (with == >= <= ~= ===) refuses pre-releases, even when nothing else matches; packaging 26 falls back to them';
const PIP_EXCLUSIVE_NOT_PRE =
  "pip 23.2.1: '<V' and '>V' never make a set admit pre-releases, even when V is one";
const PIP_DROPS_INVALID = 'pip 23.2.1: a string that is not a PEP 440 version is dropped by an empty set';

/** Rows where Ratchet answers as pip 23.2.1 does, not as the packaging 26 fixture expects. */
const PIP_POLICY: Readonly<Record<string, { ratchet: unknown; why: string }>> = {
  ...Object.fromEntries(
    [0, 2, 3, 8, 21, 31, 32, 33, 34, 35, 36, 37, 38, 39, 44, 45, 49].map((i) => [
      `specifier_prereleases#${String(i)}`,
      { ratchet: false, why: PIP_NO_FALLBACK },
    ]),
  ),
  ...Object.fromEntries(
    [6, 18, 19].map((i) => [
      `specifier_prereleases#${String(i)}`,
      { ratchet: false, why: PIP_EXCLUSIVE_NOT_PRE },
    ]),
  ),
  'specifierset_filter#3': { ratchet: [], why: PIP_NO_FALLBACK },
  'specifierset_filter#6': { ratchet: [], why: PIP_NO_FALLBACK },
  'specifierset_filter#9': { ratchet: ['3.0'], why: PIP_EXCLUSIVE_NOT_PRE },
  'specifierset_filter#10': { ratchet: ['1.0'], why: PIP_EXCLUSIVE_NOT_PRE },
  'specifierset_filter#39': { ratchet: [], why: PIP_DROPS_INVALID },
  'specifierset_filter#40': { ratchet: [], why: PIP_DROPS_INVALID },
  'specifierset_filter#41': { ratchet: [], why: PIP_DROPS_INVALID },
  'specifierset_filter#42': { ratchet: ['1.0'], why: PIP_DROPS_INVALID },
  'specifierset_filter#43': { ratchet: ['1.0'], why: PIP_DROPS_INVALID },
  'specifierset_filter#44': { ratchet: ['1.0'], why: PIP_DROPS_INVALID },
  ...Object.fromEntries(
    [0, 1, 33, 34, 58, 59].map((i) => [
      `specifierset_contains_exclusionary#${String(i)}`,
      { ratchet: false, why: PIP_NO_FALLBACK },
    ]),
  ),
};

function pre(value: Opt): { prereleases?: boolean } {
  return value === null ? {} : { prereleases: value };
}

// Some filter inputs are packaging Version objects, recorded as {"__repr__": "<Version('2.0')>"}.
function plain(value: unknown): string {
  if (typeof value === 'string') return value;
  return /'(.*)'/.exec((value as { __repr__: string }).__repr__)![1]!;
}

const CMP: Readonly<Record<string, (c: number) => boolean>> = {
  '<': (c) => c < 0,
  '<=': (c) => c <= 0,
  '==': (c) => c === 0,
  '>=': (c) => c >= 0,
  '>': (c) => c > 0,
  '!=': (c) => c !== 0,
};

function accepts(text: string): boolean {
  try {
    parseSpecifier(text);
    return true;
  } catch {
    return false;
  }
}

type Row = [key: string, index: number, compute: () => unknown, expected: unknown];

function rows(): Row[] {
  const v = vectors;
  const out: Row[] = [];
  const add = <T>(
    key: keyof Vectors,
    list: T[],
    compute: (row: T) => unknown,
    expected: (row: T) => unknown,
  ) => list.forEach((row, i) => out.push([key, i, () => compute(row), expected(row)]));
  add('version_valid', v.version_valid, isValidVersion, () => true);
  add('version_invalid', v.version_invalid, isValidVersion, () => false);
  add(
    'version_normalized',
    v.version_normalized,
    (r) => normalizeVersion(r.version),
    (r) => r.normalized,
  );
  for (const [key, expected] of [
    ['version_comparison_true', true],
    ['version_comparison_false', false],
  ] as const) {
    add(
      key,
      v[key],
      (r) => CMP[r.op]!(compareVersions(r.left, r.right)),
      () => expected,
    );
  }
  add(
    'version_is_prerelease',
    v.version_is_prerelease,
    (r) => isPrerelease(r.version),
    (r) => r.expected,
  );
  add(
    'version_public',
    v.version_public,
    (r) => parseVersion(r.version).public,
    (r) => r.public,
  );
  add(
    'specifier_contains_prereleases_true',
    v.specifier_contains_prereleases_true,
    (r) => parseSpecifierSet(r.spec_str, { prereleases: true }).contains(r.version),
    (r) => r.expected,
  );
  add(
    'specifier_prereleases',
    v.specifier_prereleases,
    (r) => parseSpecifierSet(r.specifier, pre(r.spec_pre)).contains(r.version, pre(r.contains_pre)),
    (r) => r.expected,
  );
  add('specifier_valid', v.specifier_valid, accepts, () => true);
  add('specifier_invalid', v.specifier_invalid, accepts, () => false);
  add(
    'specifierset_filter',
    v.specifierset_filter,
    (r) =>
      parseSpecifierSet(r.specifier, pre(r.specifier_prereleases)).filter(
        r.input.map(plain),
        pre(r.prereleases),
      ),
    (r) => r.expected.map(plain),
  );
  add(
    'specifierset_contains_exclusionary',
    v.specifierset_contains_exclusionary,
    (r) => parseSpecifierSet(r.specifier).contains(r.version, pre(r.prereleases)),
    (r) => r.expected,
  );
  add(
    'specifierset_satisfiable',
    v.specifierset_satisfiable,
    (s) => parseSpecifierSet(s).isSatisfiable(),
    () => true,
  );
  add(
    'specifierset_unsatisfiable',
    v.specifierset_unsatisfiable,
    (s) => parseSpecifierSet(s).isSatisfiable(),
    () => false,
  );
  return out;
}

describe('packaging test vectors (pypa/packaging@053c8846)', () => {
  const all = rows();
  const keys = [...new Set(all.map(([key]) => key))];

  it('covers every key of the fixture', () => {
    const fixtureKeys = Object.keys(vectors).filter((k) => /^(version|specifier)/.test(k));
    expect(keys.sort()).toEqual(fixtureKeys.sort());
  });

  it.each(keys)('%s: every row agrees (pip 23.2.1 pre-release policy where listed)', (key) => {
    const failures: string[] = [];
    for (const [rowKey, index, compute, fixtureExpected] of all.filter(([k]) => k === key)) {
      const policy = PIP_POLICY[`${rowKey}#${String(index)}`];
      const expected = policy ? policy.ratchet : fixtureExpected;
      let got: unknown;
      try {
        got = compute();
      } catch (error) {
        got = `threw ${(error as Error).message}`;
      }
      if (JSON.stringify(got) !== JSON.stringify(expected)) {
        failures.push(`#${String(index)}: got ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('lists only rows where pip really differs from the fixture', () => {
    const byKey = new Map(all.map(([key, index, , expected]) => [`${key}#${String(index)}`, expected]));
    for (const [row, { ratchet, why }] of Object.entries(PIP_POLICY)) {
      expect(byKey.has(row), row).toBe(true);
      expect(JSON.stringify(byKey.get(row)), `${row}: ${why}`).not.toBe(JSON.stringify(ratchet));
    }
  });
});

import { readFileSync } from 'node:fs';
import { sharedFixture } from '../shared.js';

import { normalizeName } from '../../../src/python/names/index.js';
import { parseSpecifierSet } from '../../../src/python/specifier/index.js';
import { compareVersions, parseVersion } from '../../../src/python/version/index.js';
import { buildWheel } from '../../../src/index/wheel-builder/index.js';

/** A record of `../shared/fixtures/dbt-stack-requirements.json`. */
export interface DbtStackRecord {
  readonly package: string;
  readonly version: string;
  readonly requires_python: string | null;
  readonly requires_dist: readonly string[];
}

// Beside the project, wherever it is cloned (test/support/shared.ts).
export const DBT_STACK_FIXTURE = sharedFixture('dbt-stack-requirements.json');

/** What `buildDbtStackFindLinks` wrote: the real releases and the modelled leaves. */
export interface DbtStackFolder {
  readonly filenames: string[];
  /** Normalized leaf name -> versions modelled, ascending. */
  readonly leaves: ReadonlyMap<string, readonly string[]>;
}

interface LeafDemand {
  readonly specifiers: Set<string>;
  readonly extras: Set<string>;
}

// PEP 508 shape, just enough to pick out name, extras and the specifier; markers are ignored on
// purpose so every conditional dependency (extras, python_version) gets a leaf as well.
const REQUIREMENT = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?\s*\(?([^;)]*)\)?\s*(?:;.*)?$/;

export function readDbtStackRecords(path = DBT_STACK_FIXTURE): DbtStackRecord[] {
  return JSON.parse(readFileSync(path, 'utf8')) as DbtStackRecord[];
}

function releaseOf(version: string): number[] {
  return [...parseVersion(version).release];
}

// Candidates around every version a specifier mentions: the version itself, the next patch, and
// the one just below it (so `<2` still gets a `1.9`).
function candidatesAround(version: string): string[] {
  const release = releaseOf(version);
  const up = [...release];
  up[up.length - 1]! += 1;
  const candidates = [release.join('.'), up.join('.')];
  const last = release[release.length - 1]!;
  if (last > 0) {
    const down = [...release];
    down[down.length - 1] = last - 1;
    candidates.push(down.join('.'));
  } else if (release[0]! > 0) {
    candidates.push(`${String(release[0]! - 1)}.9`);
  }
  return candidates;
}

function satisfies(version: string, specifier: string): boolean {
  return specifier === '' || parseSpecifierSet(specifier).contains(version);
}

function chooseLeafVersions(name: string, specifiers: readonly string[]): string[] {
  const mentioned = specifiers.flatMap((spec) =>
    spec
      .split(',')
      .map((clause) => /^\s*(?:~=|==|>=|<=|>|<)\s*([0-9][^\s]*?)(?:\.\*)?\s*$/.exec(clause)?.[1])
      .filter((version): version is string => version !== undefined),
  );
  const pool = new Map<string, string>();
  for (const version of mentioned.length > 0 ? mentioned : ['1.0.0']) {
    // Keyed by the release with trailing zeros dropped: PEP 440 says `0.5` and `0.5.0` are equal.
    for (const candidate of candidatesAround(version)) {
      const key = releaseOf(candidate)
        .join('.')
        .replace(/(\.0)+$/, '');
      if (!pool.has(key)) pool.set(key, candidate);
    }
  }
  const candidates = [...pool.values()].sort(compareVersions);
  const useful = candidates.filter((candidate) => specifiers.some((spec) => satisfies(candidate, spec)));
  // Greedy cover: every specifier seen must be satisfiable by at least one modelled version, and
  // the newest versions come first (a resolver prefers them, so they matter most).
  const chosen = new Set<string>();
  const newestFirst = [...useful].reverse();
  for (const spec of specifiers) {
    if (newestFirst.some((candidate) => chosen.has(candidate) && satisfies(candidate, spec))) continue;
    const pick = newestFirst.find((candidate) => satisfies(candidate, spec));
    if (pick === undefined) throw new Error(`no plausible version of ${name} satisfies '${spec}'`);
    chosen.add(pick);
  }
  for (const candidate of newestFirst) {
    if (chosen.size >= 4) break;
    chosen.add(candidate);
  }
  return [...chosen].sort(compareVersions);
}

/**
 * Builds a find-links folder of the real dbt stack: one stub wheel per record of the fixture, and
 * each dependency the fixture does not list (protobuf, agate, ...) as a leaf (no dependencies)
 * with a few versions chosen so that every constraint the records place on it can be met.
 */
export function buildDbtStackFindLinks(dir: string, records = readDbtStackRecords()): DbtStackFolder {
  const listed = new Set(records.map((record) => normalizeName(record.package)));
  const demands = new Map<string, LeafDemand>();
  const filenames: string[] = [];
  for (const record of records) {
    const extras = new Set<string>();
    for (const requirement of record.requires_dist) {
      const match = REQUIREMENT.exec(requirement);
      if (!match) throw new Error(`fixture requirement not understood: ${requirement}`);
      const extra = /extra\s*==\s*["']([^"']+)["']/.exec(requirement)?.[1];
      if (extra !== undefined) extras.add(extra);
      const name = normalizeName(match[1]!);
      if (listed.has(name)) continue;
      const demand = demands.get(name) ?? { specifiers: new Set<string>(), extras: new Set<string>() };
      demand.specifiers.add(match[3]!.trim());
      for (const wanted of (match[2] ?? '').split(',')) {
        if (wanted.trim() !== '') demand.extras.add(wanted.trim());
      }
      demands.set(name, demand);
    }
    filenames.push(
      buildWheel(dir, {
        name: record.package,
        version: record.version,
        requiresPython: record.requires_python,
        requiresDist: record.requires_dist,
        providesExtra: [...extras],
      }),
    );
  }
  const leaves = new Map<string, string[]>();
  for (const [name, demand] of [...demands].sort(([a], [b]) => a.localeCompare(b))) {
    const versions = chooseLeafVersions(name, [...demand.specifiers]);
    leaves.set(name, versions);
    for (const version of versions) {
      filenames.push(buildWheel(dir, { name, version, providesExtra: [...demand.extras] }));
    }
  }
  return { filenames, leaves };
}

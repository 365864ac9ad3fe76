import { tryParseVersion } from '../version/index.js';
import type { Version } from '../version/index.js';
import { compileClause, matchesClause } from './match.js';
import type { PrereleaseOptions, Specifier, SpecifierSet } from './types.js';

/**
 * One list of versions filtered by many specifier sets (a resolver asks which of a project's
 * releases each of thousands of requirements admits). Each clause is matched against the list
 * once, by its text: requirements share clauses (`>=1`, `<3`) far more often than whole sets.
 */
export interface VersionList {
  readonly versions: readonly string[];
  readonly parsed: readonly (Version | null)[];
  /** Clause text → whether each version satisfies that clause. */
  readonly clauses: Map<string, readonly boolean[]>;
}

export function versionList(versions: readonly string[]): VersionList {
  return { versions, parsed: versions.map(tryParseVersion), clauses: new Map() };
}

/**
 * Flags by index: exactly what `set.filter(list.versions, options)` keeps (same pre-release
 * policy, clause semantics and non-versions), computed from the list's per-clause answers.
 */
export function admittedFlags(
  set: SpecifierSet,
  list: VersionList,
  options: PrereleaseOptions = {},
): boolean[] {
  if (set.specifiers.length === 0) {
    // No clauses: pip's fallback to pre-releases depends on the whole list (set.ts); rare.
    const kept = new Set(set.filter(list.versions, options));
    return list.versions.map((version) => kept.has(version));
  }
  const allowPre = options.prereleases ?? set.prereleases ?? false;
  // Plain loops: a resolve calls this thousands of times, mostly before the JIT has warmed up.
  const count = list.versions.length;
  const admitted = new Array<boolean>(count);
  for (let i = 0; i < count; i++) admitted[i] = allowPre || list.parsed[i]?.isPrerelease !== true;
  for (const specifier of set.specifiers) {
    const matches = clauseMatches(list, specifier);
    for (let i = 0; i < count; i++) if (!matches[i]) admitted[i] = false;
  }
  return admitted;
}

/** Whether each version of the list satisfies one clause, answered once per clause text. */
function clauseMatches(list: VersionList, specifier: Specifier): readonly boolean[] {
  let matches = list.clauses.get(specifier.text);
  if (matches === undefined) {
    const clause = compileClause(specifier);
    const found: boolean[] = new Array<boolean>(list.versions.length);
    for (let i = 0; i < found.length; i++)
      found[i] = matchesClause(list.parsed[i] ?? null, list.versions[i]!, clause);
    matches = found;
    list.clauses.set(specifier.text, matches);
  }
  return matches;
}

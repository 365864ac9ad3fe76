import { tryParseVersion } from '../version/index.js';
import type { Version } from '../version/index.js';
import { compileClause, matchesClause } from './match.js';
import type { PrereleaseOptions, SpecifierSet } from './types.js';

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
  const perClause = set.specifiers.map((specifier) => {
    let flags = list.clauses.get(specifier.text);
    if (flags === undefined) {
      const clause = compileClause(specifier);
      flags = list.versions.map((raw, i) => matchesClause(list.parsed[i] ?? null, raw, clause));
      list.clauses.set(specifier.text, flags);
    }
    return flags;
  });
  return list.versions.map((_, i) => {
    if (list.parsed[i]?.isPrerelease === true && !allowPre) return false;
    for (const flags of perClause) if (!flags[i]) return false;
    return true;
  });
}

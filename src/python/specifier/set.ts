import { InputError } from '../../domain/errors/index.js';
import { tryParseVersion } from '../version/index.js';
import { parseSpecifier } from './parse.js';
import { clauseAdmitsPrereleases, compileClause, matchesClause } from './match.js';
import { findWitness } from './satisfiable.js';
import type { PrereleaseOptions, SpecifierSet } from './types.js';

export interface SpecifierSetOptions {
  /** Fix the set's pre-release policy instead of deriving it from its clauses. */
  readonly prereleases?: boolean;
}

/**
 * Parses a comma-separated PEP 440 specifier set. '' admits any final version. Throws `InputError`
 * naming the bad clause. Matching follows pip 23.2.1's vendored packaging, pre-release policy
 * included: the set admits pre-releases when one of its `== >= <= ~= ===` clauses names one.
 *
 * @example parseSpecifierSet('>=1.10,<1.11').filter(['1.9.8', '1.10.2', '1.11.0b1']) // ['1.10.2']
 */
export function parseSpecifierSet(text: string, options: SpecifierSetOptions = {}): SpecifierSet {
  if (typeof text !== 'string') throw new InputError('A specifier set must be a string');
  // pip 23.2.1 ignores empty clauses ('>=1,' is '>=1').
  const specifiers = text
    .split(',')
    .filter((clause) => clause.trim() !== '')
    .map((clause) => parseSpecifier(clause, text));
  const clauses = specifiers.map(compileClause);
  const prereleases =
    options.prereleases ?? (specifiers.length === 0 ? null : specifiers.some(clauseAdmitsPrereleases));

  function admitted(raw: string, allowPre: boolean): boolean {
    const candidate = tryParseVersion(raw);
    if (candidate?.isPrerelease && !allowPre) return false;
    return clauses.every((clause) => matchesClause(candidate, raw, clause));
  }

  let witness: string | null | undefined;
  function findOnce(): string | null {
    if (witness === undefined) witness = findWitness(clauses);
    return witness;
  }

  return {
    text: specifiers.map((s) => s.text).join(','),
    specifiers,
    prereleases,
    contains(version: string, opts: PrereleaseOptions = {}): boolean {
      return admitted(version, opts.prereleases ?? prereleases ?? false);
    },
    filter(versions: readonly string[], opts: PrereleaseOptions = {}): string[] {
      const allowPre = opts.prereleases ?? prereleases;
      if (clauses.length > 0) return versions.filter((v) => admitted(v, allowPre ?? false));
      // No clauses: pip keeps final releases, and falls back to the pre-releases only when nothing
      // else is there and no policy was given (PEP 440 "Handling of pre-releases": "...unless no
      // final releases are available"). Strings that are not versions are dropped.
      const parsed = versions.map((raw) => ({ raw, version: tryParseVersion(raw) }));
      const valid = parsed.filter((p) => p.version !== null);
      const finals = valid.filter((p) => allowPre === true || !p.version!.isPrerelease).map((p) => p.raw);
      if (finals.length > 0 || allowPre !== null) return finals;
      return valid.map((p) => p.raw);
    },
    isSatisfiable(): boolean {
      return findOnce() !== null;
    },
    witness: findOnce,
  };
}

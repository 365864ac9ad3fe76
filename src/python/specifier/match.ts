import { compareParsed, parseVersion, tryParseVersion } from '../version/index.js';
import type { Version } from '../version/index.js';
import type { Specifier } from './types.js';

// Which versions one clause admits follows PEP 440 "Version specifiers" as packaging 22+ reads it
// (pip 23.2.1's vendored packaging 21.3 has bugs here: exclusive '<'/'>' around pre-, post- and
// local releases, and '==X.*' without zero padding). Whether pre-releases are admitted at all is
// decided by the set, following pip 23.2.1 (see set.ts).

function withoutLocal(v: Version): Version {
  return v.local ? { ...v, local: null, text: v.public } : v;
}

// PEP 440 "Version matching": '==1.1.*' matches any version whose release starts with 1.1; the
// candidate's local label is ignored and its release is zero-padded to the prefix length.
function matchesPrefix(candidate: Version, prefix: Version): boolean {
  if (candidate.epoch !== prefix.epoch) return false;
  return prefix.release.every((n, i) => (candidate.release[i] ?? 0) === n);
}

function equals(candidate: Version, spec: Specifier, target: Version): boolean {
  if (spec.wildcard) return matchesPrefix(candidate, target);
  // PEP 440 "Version matching": without a local label in the specifier, the candidate's local
  // label is ignored ('==1.0' matches '1.0+ubuntu1').
  const compared = target.local ? candidate : withoutLocal(candidate);
  return compareParsed(compared, target) === 0;
}

/** Does the parsed candidate satisfy one clause? (pre-release policy is decided by the caller) */
/** A clause with its version parsed once, for matching many candidates. */
export interface CompiledClause {
  readonly spec: Specifier;
  /** null for '===' clauses, whose version need not be PEP 440. */
  readonly target: Version | null;
}

export function compileClause(spec: Specifier): CompiledClause {
  return { spec, target: spec.operator === '===' ? null : parseVersion(spec.version) };
}

export function matchesClause(candidate: Version | null, raw: string, clause: CompiledClause): boolean {
  const { spec } = clause;
  // PEP 440 "Arbitrary equality": plain case-insensitive string equality, the only clause that can
  // match a string that is not a PEP 440 version.
  if (spec.operator === '===') return raw.trim().toLowerCase() === spec.version.toLowerCase();
  const target = clause.target;
  if (!candidate || !target) return false;
  switch (spec.operator) {
    case '==':
      return equals(candidate, spec, target);
    case '!=':
      return !equals(candidate, spec, target);
    // Local labels are not allowed in ordered specifiers, so the candidate's is dropped.
    case '<=':
      return compareParsed(withoutLocal(candidate), target) <= 0;
    case '>=':
      return compareParsed(withoutLocal(candidate), target) >= 0;
    case '<':
      // PEP 440 "Exclusive ordered comparison": '<V' MUST NOT allow a pre-release of V unless V is
      // one itself; "of V" means at or above V's earliest pre-release (V.dev0), as packaging 22+
      // reads it: '<1.0.post1' admits 1.0rc1 but not 1.0.post1.dev0. pip 23.2.1's vendored 21.3
      // compared base releases instead and wrongly refused 1.0rc1 (fixed in our wrapper).
      if (compareParsed(candidate, target) >= 0) return false;
      if (target.isPrerelease || !candidate.isPrerelease) return true;
      return compareParsed(candidate, { ...target, dev: 0, local: null }) < 0;
    case '>':
      // '>V' MUST NOT allow a post-release of V unless V is one itself, nor a local version of V
      // (whose public part is V): '>1.0a1' admits 1.0a2+local, refuses 1.0a1.post0 and 1.0a1+local.
      if (compareParsed(candidate, target) <= 0) return false;
      if (!target.isPostrelease && candidate.isPostrelease) {
        const postBase = { ...candidate, post: null, dev: null, local: null };
        if (compareParsed(postBase, target) === 0) return false;
      }
      return !(candidate.local && compareParsed(withoutLocal(candidate), target) === 0);
    case '~=': {
      // PEP 440 "Compatible release": '~=2.2.post3' is '>=2.2.post3, ==2.*'.
      if (compareParsed(withoutLocal(candidate), target) < 0) return false;
      return matchesPrefix(candidate, { ...target, release: target.release.slice(0, -1) });
    }
  }
}

/**
 * Does the clause count as "explicitly mentioning a pre-release"? pip 23.2.1: only the inclusive
 * operators (== >= <= ~= ===) with a pre-release version do (PEP 440 "Handling of pre-releases").
 */
export function clauseAdmitsPrereleases(spec: Specifier): boolean {
  if (spec.operator === '!=' || spec.operator === '<' || spec.operator === '>') return false;
  return tryParseVersion(spec.version)?.isPrerelease ?? false;
}

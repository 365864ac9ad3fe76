import type { Dependency, RootDependency } from './types.js';
import { intersect, isUniversal, type VersionSet } from './version-set.js';

/**
 * The virtual root package. No real package has an empty name, so the key cannot collide; the
 * root has one candidate (index 0), decided first (pub doc/solver.md, "The Algorithm").
 */
export const ROOT = '';

export interface Term {
  readonly pkg: string;
  readonly set: VersionSet;
}

/** `{not root}`: the root must be selected. */
export interface RootCause {
  readonly kind: 'root';
}

/** `{root, not D}`: a top-level requirement. */
export interface RequirementCause {
  readonly kind: 'requirement';
  readonly requirement: RootDependency;
}

/** `{P v, not D}`: version v of P depends on D. */
export interface DependencyCause {
  readonly kind: 'dependency';
  readonly package: string;
  readonly version: string;
  readonly dependency: Dependency;
}

/** `{P S}`: no candidate of P in S is available. */
export interface NoVersionsCause {
  readonly kind: 'no-versions';
}

/** Learned by conflict resolution from two earlier incompatibilities. */
export interface DerivedCause {
  readonly kind: 'derived';
  readonly left: Incompatibility;
  readonly right: Incompatibility;
}

export type Cause = RootCause | RequirementCause | DependencyCause | NoVersionsCause | DerivedCause;

/** A set of terms that must not all hold at once; at most one term per package. */
export interface Incompatibility {
  readonly id: number;
  readonly terms: ReadonlyMap<string, VersionSet>;
  /** The same terms as a list: the solver's hot loops walk it without a Map iterator's garbage. */
  readonly termList: readonly Term[];
  readonly cause: Cause;
}

let nextId = 0;

/**
 * Builds an incompatibility. Terms on the same package are intersected (all of them must hold,
 * so the package must lie in each), and terms that every assignment satisfies are dropped since
 * they add nothing (`not ∅` for a dependency nothing can satisfy).
 */
export function makeIncompatibility(terms: readonly Term[], cause: Cause): Incompatibility {
  // Indexed loops and no Map iteration: the solver builds thousands of these per resolve, most of
  // them before the JIT has warmed up, and iterators were a tenth of what a resolve allocated.
  const byPackage = new Map<string, VersionSet>();
  for (let i = 0; i < terms.length; i++) {
    const term = terms[i]!;
    const existing = byPackage.get(term.pkg);
    byPackage.set(term.pkg, existing === undefined ? term.set : intersect(existing, term.set));
  }
  const termList: Term[] = [];
  for (let i = 0; i < terms.length; i++) {
    const pkg = terms[i]!.pkg;
    const set = byPackage.get(pkg);
    // Each package once (the first term on it), without the terms every assignment satisfies.
    if (set === undefined || termList.some((term) => term.pkg === pkg)) continue;
    if (isUniversal(set)) byPackage.delete(pkg);
    else termList.push({ pkg, set });
  }
  nextId += 1;
  return { id: nextId, terms: byPackage, termList, cause };
}

/** External incompatibilities are facts (leaves of the derivation tree); derived ones were learned. */
export function isDerived(incompat: Incompatibility): incompat is Incompatibility & { cause: DerivedCause } {
  return incompat.cause.kind === 'derived';
}

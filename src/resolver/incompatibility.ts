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
  const byPackage = new Map<string, VersionSet>();
  for (const term of terms) {
    const existing = byPackage.get(term.pkg);
    byPackage.set(term.pkg, existing === undefined ? term.set : intersect(existing, term.set));
  }
  for (const [pkg, set] of byPackage) if (isUniversal(set)) byPackage.delete(pkg);
  nextId += 1;
  const termList = Array.from(byPackage, ([pkg, set]): Term => ({ pkg, set }));
  return { id: nextId, terms: byPackage, termList, cause };
}

/** External incompatibilities are facts (leaves of the derivation tree); derived ones were learned. */
export function isDerived(incompat: Incompatibility): incompat is Incompatibility & { cause: DerivedCause } {
  return incompat.cause.kind === 'derived';
}

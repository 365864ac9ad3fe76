import { makeIncompatibility, ROOT, type Incompatibility, type Term } from './incompatibility.js';
import type { PartialSolution } from './partial-solution.js';
import { allowsAbsence, complement, intersect, isSubset, union } from './version-set.js';

/**
 * What conflict resolution concludes: the root itself is in conflict (no solution exists), or an
 * incompatibility to backjump with: the search goes back to `backtrackLevel`, where it is unit.
 */
export type ConflictResolution =
  | { readonly kind: 'root-conflict'; readonly incompatibility: Incompatibility }
  | {
      readonly kind: 'derived';
      readonly incompatibility: Incompatibility;
      /** True when it was derived here (new knowledge to add); false when it is the conflict itself. */
      readonly learned: boolean;
      readonly backtrackLevel: number;
    };

/**
 * pub solver.md "Conflict Resolution" (pubgrub-rs `conflict_resolution`): from an incompatibility
 * the partial solution satisfies, derive by resolution the one that holds the search's mistake.
 * Reads the partial solution only: the caller learns, backjumps, and propagates.
 */
export function resolveConflict(partial: PartialSolution, conflict: Incompatibility): ConflictResolution {
  let incompat = conflict;
  let learned = false;
  while (true) {
    if (isTerminal(incompat)) return { kind: 'root-conflict', incompatibility: incompat };
    let satisfierIndex = -1;
    let satisfierPkg = '';
    for (const { pkg, set } of incompat.termList) {
      const index = partial.satisfierIndex(pkg, set);
      if (index > satisfierIndex) {
        satisfierIndex = index;
        satisfierPkg = pkg;
      }
    }
    const satisfier = partial.assignment(satisfierIndex);
    const term = incompat.terms.get(satisfierPkg)!;

    let previousIndex = -1;
    for (const { pkg, set } of incompat.termList) {
      if (pkg !== satisfierPkg) previousIndex = Math.max(previousIndex, partial.satisfierIndex(pkg, set));
    }
    let index = satisfier.previous;
    let ownPrevious = -1;
    while (index !== -1 && isSubset(intersect(partial.assignment(index).accumulated, satisfier.set), term)) {
      ownPrevious = index;
      index = partial.assignment(index).previous;
    }
    previousIndex = Math.max(previousIndex, ownPrevious);
    // Stopping at level 1 (just after the root decision) keeps references to the root near the
    // final conclusion, which reads better (solver.md).
    const previousLevel = Math.max(1, previousIndex === -1 ? 1 : partial.assignment(previousIndex).level);

    if (satisfier.decision || previousLevel !== satisfier.level) {
      return { kind: 'derived', incompatibility: incompat, learned, backtrackLevel: previousLevel };
    }

    const cause = satisfier.cause!;
    const terms: Term[] = [];
    for (const term of incompat.termList) if (term.pkg !== satisfierPkg) terms.push(term);
    for (const term of cause.termList) if (term.pkg !== satisfierPkg) terms.push(term);
    // not (satisfier \ term) = not satisfier ∪ term, when the satisfier alone does not satisfy term.
    if (!isSubset(satisfier.set, term))
      terms.push({ pkg: satisfierPkg, set: union(complement(satisfier.set), term) });
    incompat = makeIncompatibility(terms, { kind: 'derived', left: incompat, right: cause });
    learned = true;
  }
}

/** No terms, or only "root is selected": no solution exists (solver.md "Conflict Resolution"). */
function isTerminal(incompat: Incompatibility): boolean {
  if (incompat.terms.size === 0) return true;
  if (incompat.terms.size !== 1) return false;
  const root = incompat.terms.get(ROOT);
  return root !== undefined && !allowsAbsence(root);
}

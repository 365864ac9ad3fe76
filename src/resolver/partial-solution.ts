import type { Incompatibility } from './incompatibility.js';
import { intersect, isDisjoint, isSubset, type VersionSet } from './version-set.js';

/** One entry of the partial solution: a decision, or a derivation with the incompatibility behind it. */
export interface Assignment {
  readonly pkg: string;
  /** The assignment's own term. */
  readonly set: VersionSet;
  /** Intersection of this and every earlier assignment of the same package. */
  readonly accumulated: VersionSet;
  readonly level: number;
  readonly decision: boolean;
  /** For derivations: the incompatibility that forced it. */
  readonly cause: Incompatibility | null;
  /** Index of the previous assignment of the same package, or -1. */
  readonly previous: number;
}

/** How the partial solution stands towards an incompatibility (pub solver.md "Unit Propagation"). */
export type Relation =
  | { readonly kind: 'satisfied' }
  | { readonly kind: 'contradicted' }
  | { readonly kind: 'inconclusive' }
  | { readonly kind: 'almost'; readonly pkg: string };

// Shared answers: propagation asks for relations millions of times, mostly these.
const SATISFIED: Relation = { kind: 'satisfied' };
const CONTRADICTED: Relation = { kind: 'contradicted' };
const INCONCLUSIVE: Relation = { kind: 'inconclusive' };

/**
 * The partial solution (pub solver.md "Partial Solution"; pubgrub-rs `internal/partial_solution.rs`):
 * the ordered assignments, each package's accumulated term, the decisions and the decision level.
 */
export class PartialSolution {
  private readonly assignments: Assignment[] = [];
  private readonly lastAssignment = new Map<string, number>();
  /** Decided packages and the index of the version chosen. */
  private readonly decided = new Map<string, number>();
  private currentLevel = 0;

  /** `universal(pkg)`: the term of a package nothing was assigned to yet (all its candidates). */
  constructor(private readonly universal: (pkg: string) => VersionSet) {}

  get level(): number {
    return this.currentLevel;
  }

  /** What every assignment of `pkg` still allows, or null when nothing was assigned to it. */
  assigned(pkg: string): VersionSet | null {
    const index = this.lastAssignment.get(pkg);
    return index === undefined ? null : this.assignments[index]!.accumulated;
  }

  /** The current term for a package: what every assignment still allows. */
  current(pkg: string): VersionSet {
    return this.assigned(pkg) ?? this.universal(pkg);
  }

  isDecided(pkg: string): boolean {
    return this.decided.has(pkg);
  }

  /** Decided packages with the index of their chosen version. */
  decisions(): IterableIterator<[string, number]> {
    return this.decided.entries();
  }

  assignment(index: number): Assignment {
    return this.assignments[index]!;
  }

  relation(incompat: Incompatibility): Relation {
    let unsatisfied: string | null = null;
    const terms = incompat.termList;
    for (let i = 0; i < terms.length; i++) {
      const { pkg, set } = terms[i]!;
      const current = this.current(pkg);
      if (isSubset(current, set)) continue;
      if (isDisjoint(current, set)) return CONTRADICTED;
      if (unsatisfied !== null) return INCONCLUSIVE;
      unsatisfied = pkg;
    }
    return unsatisfied === null ? SATISFIED : { kind: 'almost', pkg: unsatisfied };
  }

  /** Records a derivation forced by `cause`; returns the package's new accumulated term. */
  derive(pkg: string, set: VersionSet, cause: Incompatibility): VersionSet {
    return this.push(pkg, set, false, cause);
  }

  /** Decides `pkg` = the single version `index` (as `set`), one level deeper. */
  decide(pkg: string, set: VersionSet, index: number): void {
    this.currentLevel += 1;
    this.push(pkg, set, true, null);
    this.decided.set(pkg, index);
  }

  /** Earliest assignment index at which the partial solution satisfies `set` for `pkg`. */
  satisfierIndex(pkg: string, set: VersionSet): number {
    let found = -1;
    let index = this.lastAssignment.get(pkg) ?? -1;
    while (index !== -1 && isSubset(this.assignments[index]!.accumulated, set)) {
      found = index;
      index = this.assignments[index]!.previous;
    }
    return found;
  }

  /**
   * Drops every assignment above `level`. `restored(pkg, term)` hears of each package whose term
   * went back to an earlier assignment, at the moment it did (its decision, if any, already undone).
   */
  backtrack(level: number, restored: (pkg: string, term: VersionSet) => void): void {
    while (this.assignments.length > 0 && this.assignments[this.assignments.length - 1]!.level > level) {
      const removed = this.assignments.pop()!;
      if (removed.decision) this.decided.delete(removed.pkg);
      if (removed.previous === -1) {
        this.lastAssignment.delete(removed.pkg);
      } else {
        this.lastAssignment.set(removed.pkg, removed.previous);
        restored(removed.pkg, this.assignments[removed.previous]!.accumulated);
      }
    }
    this.currentLevel = level;
  }

  private push(pkg: string, set: VersionSet, decision: boolean, cause: Incompatibility | null): VersionSet {
    const previous = this.lastAssignment.get(pkg) ?? -1;
    const accumulated = previous === -1 ? set : intersect(this.assignments[previous]!.accumulated, set);
    this.assignments.push({ pkg, set, accumulated, level: this.currentLevel, decision, cause, previous });
    this.lastAssignment.set(pkg, this.assignments.length - 1);
    return accumulated;
  }
}

import { explainFailure, type ExplainContext } from './explain.js';
import { makeIncompatibility, ROOT, type Incompatibility, type Term } from './incompatibility.js';
import type {
  CandidateOrder,
  DecisionOrder,
  Dependency,
  DependencyProvider,
  RootDependency,
  Solution,
  SolveOptions,
} from './types.js';
import {
  allowedSet,
  createUniverse,
  loadDependencies,
  loadPackage,
  type PackageInfo,
  type Universe,
} from './universe.js';
import {
  allowsAbsence,
  complement,
  countCandidates,
  hasBit,
  intersect,
  isDisjoint,
  isSubset,
  setKey,
  setOf,
  union,
  type VersionSet,
} from './version-set.js';

/**
 * PubGrub version solving (Natalie Weizenbaum's algorithm, as described in dart-lang/pub
 * doc/solver.md): unit propagation, conflict-driven learning of incompatibilities with
 * backjumping, and lazy decision making. Language-agnostic: versions are opaque strings ordered
 * by the provider, and every set is a subset of known candidates.
 *
 * @example
 * const result = await solve(provider, [{ package: 'dbt-core', constraint: '==1.10.*', allows }]);
 * if (!result.ok) console.log(result.explanation.text);
 */
export async function solve(
  provider: DependencyProvider,
  roots: readonly RootDependency[],
  options: SolveOptions = {},
): Promise<Solution> {
  return solveIn(createUniverse(provider), roots, options);
}

/** `solve` over a shared provider cache (used by the planner's many solves). */
export async function solveIn(
  universe: Universe,
  roots: readonly RootDependency[],
  options: SolveOptions = {},
): Promise<Solution> {
  const state = new SolverState(universe, roots, options);
  return state.run();
}

interface Assignment {
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

/** Thrown inside the solver when conflict resolution derives a terminal incompatibility. */
class Unsolvable {
  constructor(readonly incompatibility: Incompatibility) {}
}

type Relation =
  | { readonly kind: 'satisfied' }
  | { readonly kind: 'contradicted' }
  | { readonly kind: 'inconclusive' }
  | { readonly kind: 'almost'; readonly pkg: string };

// A class keeps the mutable search state in one place; the public face stays a function (`solve`).
class SolverState {
  private readonly assignments: Assignment[] = [];
  private readonly lastAssignment = new Map<string, number>();
  private readonly decisions = new Map<string, number>();
  private readonly incompatibilities = new Map<string, Incompatibility[]>();
  private readonly expanded = new Set<string>();
  private readonly infos = new Map<string, PackageInfo>();
  private readonly orders = new Map<string, readonly number[]>();
  private readonly constraintNames = new Map<string, Map<string, string>>();
  private level = 0;

  constructor(
    private readonly universe: Universe,
    private readonly roots: readonly RootDependency[],
    private readonly options: SolveOptions,
  ) {}

  async run(): Promise<Solution> {
    await this.load(ROOT);
    this.addIncompatibility(
      makeIncompatibility([{ pkg: ROOT, set: complement(setOf(1, [0])) }], { kind: 'root' }),
    );
    try {
      let next: string | null = ROOT;
      while (next !== null) {
        this.propagate(next);
        next = await this.decide();
      }
    } catch (error) {
      if (!(error instanceof Unsolvable)) throw error;
      return this.failure(error.incompatibility);
    }
    const packages = [...this.decisions]
      .filter(([pkg]) => pkg !== ROOT)
      .map(([pkg, index]): [string, string] => [pkg, this.info(pkg).versions[index]!])
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return { ok: true, packages: new Map(packages) };
  }

  private failure(incompatibility: Incompatibility): Solution {
    const context: ExplainContext = {
      packages: this.infos,
      constraintNames: this.constraintNames,
      pinned: new Map(
        this.roots.filter((root) => root.origin === 'pin').map((root) => [root.package, root.constraint]),
      ),
    };
    const explanation = explainFailure(incompatibility, context);
    const core: RootDependency[] = [];
    const seen = new Set<number>();
    const walk = (incompat: Incompatibility): void => {
      if (seen.has(incompat.id)) return;
      seen.add(incompat.id);
      if (incompat.cause.kind === 'derived') {
        walk(incompat.cause.left);
        walk(incompat.cause.right);
      } else if (incompat.cause.kind === 'requirement') {
        core.push(incompat.cause.requirement);
      }
    };
    walk(incompatibility);
    return { ok: false, explanation, core };
  }

  private async load(pkg: string): Promise<PackageInfo> {
    const known = this.infos.get(pkg);
    if (known !== undefined) return known;
    const info = await loadPackage(this.universe, pkg);
    this.infos.set(pkg, info);
    return info;
  }

  private info(pkg: string): PackageInfo {
    return this.infos.get(pkg)!;
  }

  /** The partial solution's current term for a package: what every assignment still allows. */
  private current(pkg: string): VersionSet {
    const index = this.lastAssignment.get(pkg);
    return index === undefined ? this.info(pkg).universal : this.assignments[index]!.accumulated;
  }

  private addIncompatibility(incompat: Incompatibility): void {
    for (const pkg of incompat.terms.keys()) {
      let list = this.incompatibilities.get(pkg);
      if (list === undefined) {
        list = [];
        this.incompatibilities.set(pkg, list);
      }
      list.push(incompat);
    }
  }

  private relation(incompat: Incompatibility): Relation {
    let unsatisfied: string | null = null;
    for (const [pkg, set] of incompat.terms) {
      const current = this.current(pkg);
      if (isSubset(current, set)) continue;
      if (isDisjoint(current, set)) return { kind: 'contradicted' };
      if (unsatisfied !== null) return { kind: 'inconclusive' };
      unsatisfied = pkg;
    }
    return unsatisfied === null ? { kind: 'satisfied' } : { kind: 'almost', pkg: unsatisfied };
  }

  private assign(pkg: string, set: VersionSet, decision: boolean, cause: Incompatibility | null): void {
    const previous = this.lastAssignment.get(pkg) ?? -1;
    const accumulated = previous === -1 ? set : intersect(this.assignments[previous]!.accumulated, set);
    this.assignments.push({ pkg, set, accumulated, level: this.level, decision, cause, previous });
    this.lastAssignment.set(pkg, this.assignments.length - 1);
  }

  // pub solver.md "Unit Propagation".
  private propagate(start: string): void {
    const changed = [start];
    while (changed.length > 0) {
      const pkg = changed.pop()!;
      const list = this.incompatibilities.get(pkg) ?? [];
      // Newest first: learned incompatibilities tend to be the most useful (pub does the same).
      for (let i = list.length - 1; i >= 0; i--) {
        const incompat = list[i]!;
        const relation = this.relation(incompat);
        if (relation.kind === 'satisfied') {
          const rootCause = this.resolveConflict(incompat);
          const after = this.relation(rootCause);
          if (after.kind !== 'almost')
            throw new Error('PubGrub invariant: a learned incompatibility must be unit');
          this.assign(after.pkg, complement(rootCause.terms.get(after.pkg)!), false, rootCause);
          changed.length = 0;
          changed.push(after.pkg);
          break;
        }
        if (relation.kind === 'almost') {
          this.assign(relation.pkg, complement(incompat.terms.get(relation.pkg)!), false, incompat);
          if (!changed.includes(relation.pkg)) changed.push(relation.pkg);
        }
      }
    }
  }

  /** Earliest assignment index at which the partial solution satisfies `set` for `pkg`. */
  private satisfierIndex(pkg: string, set: VersionSet): number {
    let found = -1;
    let index = this.lastAssignment.get(pkg) ?? -1;
    while (index !== -1 && isSubset(this.assignments[index]!.accumulated, set)) {
      found = index;
      index = this.assignments[index]!.previous;
    }
    return found;
  }

  // pub solver.md "Conflict Resolution".
  private resolveConflict(conflict: Incompatibility): Incompatibility {
    let incompat = conflict;
    let learned = false;
    while (true) {
      if (isTerminal(incompat)) throw new Unsolvable(incompat);
      let satisfierIndex = -1;
      let satisfierPkg = '';
      for (const [pkg, set] of incompat.terms) {
        const index = this.satisfierIndex(pkg, set);
        if (index > satisfierIndex) {
          satisfierIndex = index;
          satisfierPkg = pkg;
        }
      }
      const satisfier = this.assignments[satisfierIndex]!;
      const term = incompat.terms.get(satisfierPkg)!;

      let previousIndex = -1;
      for (const [pkg, set] of incompat.terms) {
        if (pkg !== satisfierPkg) previousIndex = Math.max(previousIndex, this.satisfierIndex(pkg, set));
      }
      let index = satisfier.previous;
      let ownPrevious = -1;
      while (index !== -1 && isSubset(intersect(this.assignments[index]!.accumulated, satisfier.set), term)) {
        ownPrevious = index;
        index = this.assignments[index]!.previous;
      }
      previousIndex = Math.max(previousIndex, ownPrevious);
      // Stopping at level 1 (just after the root decision) keeps references to the root near the
      // final conclusion, which reads better (solver.md).
      const previousLevel = Math.max(1, previousIndex === -1 ? 1 : this.assignments[previousIndex]!.level);

      if (satisfier.decision || previousLevel !== satisfier.level) {
        if (learned) this.addIncompatibility(incompat);
        this.backtrack(previousLevel);
        return incompat;
      }

      const cause = satisfier.cause!;
      const terms: Term[] = [];
      for (const [pkg, set] of incompat.terms) if (pkg !== satisfierPkg) terms.push({ pkg, set });
      for (const [pkg, set] of cause.terms) if (pkg !== satisfierPkg) terms.push({ pkg, set });
      // not (satisfier \ term) = not satisfier ∪ term, when the satisfier alone does not satisfy term.
      if (!isSubset(satisfier.set, term))
        terms.push({ pkg: satisfierPkg, set: union(complement(satisfier.set), term) });
      incompat = makeIncompatibility(terms, { kind: 'derived', left: incompat, right: cause });
      learned = true;
    }
  }

  private backtrack(level: number): void {
    while (this.assignments.length > 0 && this.assignments[this.assignments.length - 1]!.level > level) {
      const removed = this.assignments.pop()!;
      if (removed.previous === -1) this.lastAssignment.delete(removed.pkg);
      else this.lastAssignment.set(removed.pkg, removed.previous);
      if (removed.decision) this.decisions.delete(removed.pkg);
    }
    this.level = level;
  }

  // pub solver.md "Decision Making".
  private async decide(): Promise<string | null> {
    const pkg = this.nextPackage();
    if (pkg === null) return null;
    const info = this.info(pkg);
    const current = this.current(pkg);
    const index = this.candidateOrder(pkg).find((i) => hasBit(current, i));
    if (index === undefined) {
      this.addIncompatibility(makeIncompatibility([{ pkg, set: current }], { kind: 'no-versions' }));
      return pkg;
    }
    const version = info.versions[index]!;
    const added = await this.expand(pkg, index, version);
    const single = setOf(info.versions.length, [index]);
    const conflicts = added.some((incompat) =>
      [...incompat.terms].every(([other, set]) =>
        isSubset(other === pkg ? single : this.current(other), set),
      ),
    );
    if (!conflicts) {
      this.level += 1;
      this.assign(pkg, single, true, null);
      this.decisions.set(pkg, index);
    }
    return pkg;
  }

  /** Adds the dependency incompatibilities of one candidate, once. */
  private async expand(pkg: string, index: number, version: string): Promise<Incompatibility[]> {
    const key = `${pkg}\u0000${version}`;
    if (this.expanded.has(key)) return [];
    this.expanded.add(key);
    const info = this.info(pkg);
    const dependencies: readonly Dependency[] =
      pkg === ROOT ? this.roots : await loadDependencies(this.universe, pkg, version);
    const added: Incompatibility[] = [];
    for (const dependency of dependencies) {
      if (dependency.package === ROOT) continue;
      const target = await this.load(dependency.package);
      const allowed = allowedSet(this.universe, dependency, target);
      this.nameSet(dependency.package, allowed, dependency.constraint);
      const self: Term = { pkg, set: setOf(info.versions.length, [index]) };
      const depends: Term = { pkg: dependency.package, set: complement(allowed) };
      const cause =
        pkg === ROOT
          ? { kind: 'requirement' as const, requirement: dependency as RootDependency }
          : { kind: 'dependency' as const, package: pkg, version, dependency };
      const incompat = makeIncompatibility([self, depends], cause);
      // A package that depends on itself: harmless when it accepts itself, else forbids the version.
      if ([...incompat.terms.values()].some((set) => countCandidates(set) === 0 && !allowsAbsence(set)))
        continue;
      this.addIncompatibility(incompat);
      added.push(incompat);
    }
    return added;
  }

  private nameSet(pkg: string, set: VersionSet, constraint: string): void {
    let names = this.constraintNames.get(pkg);
    if (names === undefined) {
      names = new Map();
      this.constraintNames.set(pkg, names);
    }
    const key = setKey(set);
    if (!names.has(key)) names.set(key, constraint);
  }

  private nextPackage(): string | null {
    const order: DecisionOrder = this.options.decisionOrder ?? 'fewest-candidates';
    let best: string | null = null;
    let bestCount = Infinity;
    for (const [pkg, index] of this.lastAssignment) {
      if (this.decisions.has(pkg)) continue;
      const current = this.assignments[index]!.accumulated;
      if (allowsAbsence(current)) continue;
      const count = order === 'fewest-candidates' ? countCandidates(current) : 0;
      if (count < bestCount || (count === bestCount && best !== null && pkg < best)) {
        best = pkg;
        bestCount = count;
      }
    }
    return best;
  }

  private candidateOrder(pkg: string): readonly number[] {
    const cached = this.orders.get(pkg);
    if (cached !== undefined) return cached;
    const versions = this.info(pkg).versions;
    const order = baseOrder(this.options.candidateOrder ?? 'newest-first', pkg, versions);
    const preferred = this.options.preferences?.get(pkg);
    const preferredIndex = preferred === undefined ? undefined : this.info(pkg).indexOf.get(preferred);
    const result =
      preferredIndex === undefined ? order : [preferredIndex, ...order.filter((i) => i !== preferredIndex)];
    this.orders.set(pkg, result);
    return result;
  }
}

function baseOrder(order: CandidateOrder, pkg: string, versions: readonly string[]): readonly number[] {
  if (typeof order === 'function') return order(pkg, versions);
  const ascending = versions.map((_, i) => i);
  return order === 'oldest-first' ? ascending : ascending.reverse();
}

/** No terms, or only "root is selected": no solution exists (solver.md "Conflict Resolution"). */
function isTerminal(incompat: Incompatibility): boolean {
  if (incompat.terms.size === 0) return true;
  if (incompat.terms.size !== 1) return false;
  const root = incompat.terms.get(ROOT);
  return root !== undefined && !allowsAbsence(root);
}

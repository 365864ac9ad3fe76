import { explainFailure, type ExplainContext } from './explain.js';
import { makeIncompatibility, ROOT, type Incompatibility, type Term } from './incompatibility.js';
import type {
  CandidateOrder,
  DecisionOrder,
  DependencyProvider,
  Explanation,
  RootDependency,
  Solution,
  SolveOptions,
} from './types.js';
import {
  allowedSet,
  createUniverse,
  edgeKey,
  loadEdges,
  loadPackage,
  type DependencyEdge,
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
  /** Edge lists already linked in (each candidate's dependencies are added once per solve). */
  private readonly expanded = new Set<readonly DependencyEdge[]>();
  private readonly expandedEdges: (readonly DependencyEdge[])[] = [];
  private readonly infos = new Map<string, PackageInfo>();
  private readonly orders = new Map<string, readonly number[]>();
  private readonly pending = new PendingQueue();
  private readonly fewestFirst: boolean;
  private level = 0;

  constructor(
    private readonly universe: Universe,
    private readonly roots: readonly RootDependency[],
    private readonly options: SolveOptions,
  ) {
    const order: DecisionOrder = options.decisionOrder ?? 'fewest-candidates';
    this.fewestFirst = order === 'fewest-candidates';
  }

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
    // The planner reads the explanation of few of its many failed solves: render it on demand.
    let explanation: Explanation | null = null;
    const render = (): Explanation => this.explain(incompatibility);
    return {
      ok: false,
      core,
      get explanation(): Explanation {
        explanation ??= render();
        return explanation;
      },
    };
  }

  private explain(incompatibility: Incompatibility): Explanation {
    // Name each set by the first dependency (in expansion order) that used exactly that set.
    const constraintNames = new Map<string, Map<string, string>>();
    for (const edges of this.expandedEdges) {
      for (const edge of edges) {
        let names = constraintNames.get(edge.dependency.package);
        if (names === undefined) {
          names = new Map();
          constraintNames.set(edge.dependency.package, names);
        }
        const key = setKey(edge.allowed);
        if (!names.has(key)) names.set(key, edge.dependency.constraint);
      }
    }
    const context: ExplainContext = {
      packages: this.infos,
      constraintNames,
      pinned: new Map(
        this.roots.filter((root) => root.origin === 'pin').map((root) => [root.package, root.constraint]),
      ),
    };
    return explainFailure(incompatibility, context);
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
    if (!decision) this.enqueue(pkg, accumulated);
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
      if (removed.decision) this.decisions.delete(removed.pkg);
      if (removed.previous === -1) {
        this.lastAssignment.delete(removed.pkg);
      } else {
        this.lastAssignment.set(removed.pkg, removed.previous);
        this.enqueue(removed.pkg, this.assignments[removed.previous]!.accumulated);
      }
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
    const key = pkg === ROOT ? null : edgeKey(pkg, info.versions[index]!);
    const edges =
      key === null
        ? await this.rootEdges()
        : (this.universe.loadedEdges.get(key) ?? (await loadEdges(this.universe, info, index)));
    const single = setOf(info.versions.length, [index]);
    let conflicts = false;
    if (!this.expanded.has(edges)) {
      this.expanded.add(edges);
      this.expandedEdges.push(edges);
      for (const edge of edges) {
        this.infos.set(edge.target.name, edge.target);
        const incompat = edge.incompatibility;
        if (incompat === null) continue;
        this.addIncompatibility(incompat);
        if (!conflicts) conflicts = this.satisfiedWith(incompat, pkg, single);
      }
    }
    if (!conflicts) {
      this.level += 1;
      this.assign(pkg, single, true, null);
      this.decisions.set(pkg, index);
    }
    return pkg;
  }

  /** Would the partial solution satisfy `incompat` once `pkg` took exactly `single`? */
  private satisfiedWith(incompat: Incompatibility, pkg: string, single: VersionSet): boolean {
    for (const [other, set] of incompat.terms) {
      if (!isSubset(other === pkg ? single : this.current(other), set)) return false;
    }
    return true;
  }

  /** The root's edges: this solve's top-level requirements. */
  private async rootEdges(): Promise<DependencyEdge[]> {
    const edges: DependencyEdge[] = [];
    const self: Term = { pkg: ROOT, set: setOf(1, [0]) };
    for (const dependency of this.roots) {
      if (dependency.package === ROOT) continue;
      const target = await this.load(dependency.package);
      const allowed = allowedSet(this.universe, dependency, target);
      const incompatibility = makeIncompatibility(
        [self, { pkg: dependency.package, set: complement(allowed) }],
        { kind: 'requirement', requirement: dependency },
      );
      edges.push({ dependency, target, allowed, incompatibility });
    }
    return edges;
  }

  /** The undecided package with the fewest candidates left (ties by name), or null when done. */
  private nextPackage(): string | null {
    const queue = this.pending;
    while (queue.size > 0) {
      const { count, pkg } = queue.peek();
      const index = this.lastAssignment.get(pkg);
      const current = index === undefined ? null : this.assignments[index]!.accumulated;
      if (
        current !== null &&
        !this.decisions.has(pkg) &&
        !allowsAbsence(current) &&
        count === this.decisionCount(current)
      )
        return pkg;
      queue.pop();
    }
    return null;
  }

  private decisionCount(set: VersionSet): number {
    return this.fewestFirst ? countCandidates(set) : 0;
  }

  /** Queues a package whose current term changed, if it now awaits a decision. */
  private enqueue(pkg: string, current: VersionSet): void {
    if (allowsAbsence(current) || this.decisions.has(pkg)) return;
    this.pending.push(this.decisionCount(current), pkg);
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

/**
 * Packages awaiting a decision, least (candidate count, name) first: a binary heap with lazy
 * deletion. An entry goes stale when its package's term changes; a fresh entry is pushed then, and
 * the solver drops stale entries as they surface, so choosing the next package is O(log n).
 */
class PendingQueue {
  private readonly counts: number[] = [];
  private readonly names: string[] = [];

  get size(): number {
    return this.counts.length;
  }

  peek(): { count: number; pkg: string } {
    return { count: this.counts[0]!, pkg: this.names[0]! };
  }

  push(count: number, pkg: string): void {
    let i = this.counts.length;
    this.counts.push(count);
    this.names.push(pkg);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): void {
    const last = this.counts.length - 1;
    this.swap(0, last);
    this.counts.pop();
    this.names.pop();
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let least = i;
      if (left < this.counts.length && this.less(left, least)) least = left;
      if (right < this.counts.length && this.less(right, least)) least = right;
      if (least === i) return;
      this.swap(i, least);
      i = least;
    }
  }

  private less(a: number, b: number): boolean {
    const countA = this.counts[a]!;
    const countB = this.counts[b]!;
    return countA < countB || (countA === countB && this.names[a]! < this.names[b]!);
  }

  private swap(a: number, b: number): void {
    const count = this.counts[a]!;
    this.counts[a] = this.counts[b]!;
    this.counts[b] = count;
    const name = this.names[a]!;
    this.names[a] = this.names[b]!;
    this.names[b] = name;
  }
}

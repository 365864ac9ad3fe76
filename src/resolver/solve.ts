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
  loadEdges,
  loadedEdges,
  loadPackage,
  type DependencyEdge,
  type PackageInfo,
  type Universe,
} from './universe.js';
import { resolveConflict } from './conflict-resolution.js';
import { PartialSolution } from './partial-solution.js';
import { PendingDecisions } from './pending-decisions.js';
import { complement, hasBit, isSubset, setKey, setOf, type VersionSet } from './version-set.js';

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

/** What the search ends with: every decision, or the incompatibility that proves none exists. */
type SearchResult =
  | { readonly ok: true; readonly solution: ReadonlyMap<string, number> }
  | { readonly ok: false; readonly incompatibility: Incompatibility };

// The search's loop, split where pubgrub-rs splits it: the partial solution, the pending decisions
// and conflict resolution each live in their own module; this class holds what ties them together
// (the incompatibilities learned, the packages loaded) and keeps `solve` a function.
class SolverState {
  private readonly partial = new PartialSolution((pkg) => this.info(pkg).universal);
  private readonly pending: PendingDecisions;
  /** Per package, the incompatibilities that mention it, each with its slot in this solve. */
  private readonly incompatibilities = new Map<string, SlottedIncompatibility[]>();
  private slotCount = 0;
  /** Edge lists already linked in (each candidate's dependencies are added once per solve). */
  private readonly expanded = new Set<readonly DependencyEdge[]>();
  private readonly expandedEdges: (readonly DependencyEdge[])[] = [];
  private readonly infos = new Map<string, PackageInfo>();
  private readonly orders = new Map<string, readonly number[]>();
  private readonly contradicted = new ContradictedIncompatibilities();

  constructor(
    private readonly universe: Universe,
    private readonly roots: readonly RootDependency[],
    private readonly options: SolveOptions,
  ) {
    const order: DecisionOrder = options.decisionOrder ?? 'fewest-candidates';
    this.pending = new PendingDecisions(order === 'fewest-candidates');
  }

  async run(): Promise<Solution> {
    const result = await this.search();
    if (!result.ok) return this.failure(result.incompatibility);
    const packages = [...result.solution]
      .filter(([pkg]) => pkg !== ROOT)
      .map(([pkg, index]): [string, string] => [pkg, this.info(pkg).versions[index]!])
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return { ok: true, packages: new Map(packages) };
  }

  private async search(): Promise<SearchResult> {
    await this.load(ROOT);
    this.addIncompatibility(
      makeIncompatibility([{ pkg: ROOT, set: complement(setOf(1, [0])) }], { kind: 'root' }),
    );
    let next: string | null = ROOT;
    while (next !== null) {
      const conflict = this.propagate(next);
      if (conflict !== null) return { ok: false, incompatibility: conflict };
      next = await this.decide();
    }
    return { ok: true, solution: new Map(this.partial.decisions()) };
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

  private current(pkg: string): VersionSet {
    return this.partial.current(pkg);
  }

  private addIncompatibility(incompat: Incompatibility): SlottedIncompatibility {
    const slotted: SlottedIncompatibility = { incompat, slot: this.slotCount++ };
    for (const { pkg } of incompat.termList) {
      let list = this.incompatibilities.get(pkg);
      if (list === undefined) {
        list = [];
        this.incompatibilities.set(pkg, list);
      }
      list.push(slotted);
    }
    return slotted;
  }

  /** Records a derivation and queues its package if it now awaits a decision. */
  private derive(pkg: string, set: VersionSet, cause: Incompatibility): void {
    this.pending.enqueue(this.partial, pkg, this.partial.derive(pkg, set, cause));
  }

  // pub solver.md "Unit Propagation".
  /** Propagates from `start`; returns the incompatibility proving the root unsatisfiable, if one is found. */
  private propagate(start: string): Incompatibility | null {
    const changed = [start];
    while (changed.length > 0) {
      const pkg = changed.pop()!;
      const list = this.incompatibilities.get(pkg) ?? [];
      // Newest first: learned incompatibilities tend to be the most useful (pub does the same).
      for (let i = list.length - 1; i >= 0; i--) {
        const { incompat, slot } = list[i]!;
        if (this.contradicted.has(slot)) continue;
        const relation = this.partial.relation(incompat);
        if (relation.kind === 'contradicted') {
          this.contradicted.add(slot, this.partial.level);
        } else if (relation.kind === 'satisfied') {
          const resolution = resolveConflict(this.partial, incompat);
          if (resolution.kind === 'root-conflict') return resolution.incompatibility;
          const rootCause = resolution.incompatibility;
          const rootSlot = resolution.learned ? this.addIncompatibility(rootCause).slot : slot;
          this.partial.backtrack(resolution.backtrackLevel, (pkg, term) =>
            this.pending.enqueue(this.partial, pkg, term),
          );
          this.contradicted.backtrack(resolution.backtrackLevel);
          const after = this.partial.relation(rootCause);
          if (after.kind !== 'almost')
            throw new Error('PubGrub invariant: a learned incompatibility must be unit');
          this.derive(after.pkg, complement(rootCause.terms.get(after.pkg)!), rootCause);
          this.contradicted.add(rootSlot, this.partial.level);
          changed.length = 0;
          changed.push(after.pkg);
          break;
        } else if (relation.kind === 'almost') {
          this.derive(relation.pkg, complement(incompat.terms.get(relation.pkg)!), incompat);
          // Deriving "not term" contradicts the incompatibility until the search backtracks.
          this.contradicted.add(slot, this.partial.level);
          if (!changed.includes(relation.pkg)) changed.push(relation.pkg);
        }
      }
    }
    return null;
  }

  // pub solver.md "Decision Making".
  private async decide(): Promise<string | null> {
    const pkg = this.pending.next(this.partial);
    if (pkg === null) return null;
    const info = this.info(pkg);
    const current = this.current(pkg);
    const index = this.candidateOrder(pkg).find((i) => hasBit(current, i));
    if (index === undefined) {
      this.addIncompatibility(makeIncompatibility([{ pkg, set: current }], { kind: 'no-versions' }));
      return pkg;
    }
    const edges =
      pkg === ROOT
        ? await this.rootEdges()
        : (loadedEdges(this.universe, info, index) ?? (await loadEdges(this.universe, info, index)));
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
    if (!conflicts) this.partial.decide(pkg, single, index);
    return pkg;
  }

  /** Would the partial solution satisfy `incompat` once `pkg` took exactly `single`? */
  private satisfiedWith(incompat: Incompatibility, pkg: string, single: VersionSet): boolean {
    const terms = incompat.termList;
    for (let i = 0; i < terms.length; i++) {
      const { pkg: other, set } = terms[i]!;
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

/** An incompatibility as one solve holds it: with a slot of its own for per-solve facts. */
interface SlottedIncompatibility {
  readonly incompat: Incompatibility;
  readonly slot: number;
}

/**
 * Incompatibilities the partial solution contradicts, with the decision level at which it came to:
 * assignments only narrow terms, so one stays contradicted until the search backtracks below that
 * level, and propagation skips it meanwhile (pubgrub-rs `contradicted_incompatibilities`). Most of
 * a package's incompatibilities are contradicted most of the time: this is most of propagation.
 * Kept in arrays by slot, with a generation per level that a backtrack bumps, so a check is two
 * array reads and a backtrack forgets a level's marks without visiting them.
 */
class ContradictedIncompatibilities {
  /** Per slot: the level it was marked at, and that level's generation then (unset: unmarked). */
  private readonly markLevel: number[] = [];
  private readonly markGeneration: number[] = [];
  /** Per decision level: bumped whenever the search backtracks below it. */
  private readonly levelGeneration: number[] = [];

  has(slot: number): boolean {
    const level = this.markLevel[slot];
    return level !== undefined && this.markGeneration[slot] === this.generationOf(level);
  }

  add(slot: number, level: number): void {
    // Every marked level must be one a backtrack can bump.
    while (this.levelGeneration.length <= level) this.levelGeneration.push(0);
    this.markLevel[slot] = level;
    this.markGeneration[slot] = this.generationOf(level);
  }

  /** Forgets what was marked above `level` (the assignments behind it are gone). */
  backtrack(level: number): void {
    for (let above = level + 1; above < this.levelGeneration.length; above++) {
      this.levelGeneration[above] = this.generationOf(above) + 1;
    }
  }

  private generationOf(level: number): number {
    return this.levelGeneration[level] ?? 0;
  }
}

import type { Dependency, DependencyProvider } from '../types.js';

/**
 * Test support only: the exact planner oracle for real package graphs, where `bruteForceBestPlan`
 * (every assignment of every package) is out of reach. It reads every dependency of every version
 * the provider lists from the pins outwards, then searches exhaustively by the planner's objective:
 * for k = 0, 1, ... it tries every set of k non-requested pins to move and every version of those
 * and of the requested packages; the other pins stay. Packages outside the pins (new dependencies
 * and extras, which the objective does not count) are added by an exhaustive backtracking search.
 * The first k with a valid image gives the fewest moved pins, and the least total distance (places
 * moved in each package's ascending version list) among those is the optimum.
 */
export interface DependencyGraph {
  /** Ascending candidate versions per package identity (names, `name[extra]`, `python`). */
  readonly versions: ReadonlyMap<string, readonly string[]>;
  readonly dependencies: ReadonlyMap<string, ReadonlyMap<string, readonly Dependency[]>>;
}

export async function exploreGraph(
  provider: DependencyProvider,
  start: Iterable<string>,
): Promise<DependencyGraph> {
  const versions = new Map<string, readonly string[]>();
  const dependencies = new Map<string, Map<string, readonly Dependency[]>>();
  const queue = [...start];
  while (queue.length > 0) {
    const pkg = queue.shift()!;
    if (versions.has(pkg)) continue;
    const listed = await provider.versions(pkg);
    versions.set(pkg, listed);
    const byVersion = new Map<string, readonly Dependency[]>();
    dependencies.set(pkg, byVersion);
    for (const version of listed) {
      const deps = await provider.dependencies(pkg, version);
      byVersion.set(version, deps);
      for (const dep of deps) if (!versions.has(dep.package)) queue.push(dep.package);
    }
  }
  return { versions, dependencies };
}

export interface ExactPlan {
  readonly changedPins: number;
  readonly distance: number;
  /** One optimal image: every pinned and added package (extras and `python` included). */
  readonly assignment: ReadonlyMap<string, string>;
}

function depsOf(graph: DependencyGraph, pkg: string, version: string): readonly Dependency[] {
  return graph.dependencies.get(pkg)?.get(version) ?? [];
}

/**
 * Adds packages outside `locked` until every dependency of every present package holds; false
 * when no choice of additions works. `assignment` is extended in place on success.
 */
function completeWithAdditions(
  graph: DependencyGraph,
  assignment: Map<string, string>,
  locked: ReadonlySet<string>,
  pending: string[],
): boolean {
  while (pending.length > 0) {
    const pkg = pending.pop()!;
    const version = assignment.get(pkg);
    if (version === undefined) continue;
    for (const dep of depsOf(graph, pkg, version)) {
      const present = assignment.get(dep.package);
      if (present !== undefined) {
        if (dep.allows(present)) continue;
        return false;
      }
      if (locked.has(dep.package)) return false;
      // An addition: try each version it allows, newest first, and search on from there.
      const candidates = (graph.versions.get(dep.package) ?? []).filter((v) => dep.allows(v)).reverse();
      for (const candidate of candidates) {
        const trial = new Map(assignment);
        trial.set(dep.package, candidate);
        if (completeWithAdditions(graph, trial, locked, [...pending, pkg, dep.package])) {
          for (const [name, v] of trial) assignment.set(name, v);
          return true;
        }
      }
      return false;
    }
  }
  return true;
}

function* subsets<T>(items: readonly T[], size: number, from = 0): Generator<T[]> {
  if (size === 0) {
    yield [];
    return;
  }
  for (let i = from; i <= items.length - size; i++)
    for (const rest of subsets(items, size - 1, i + 1)) yield [items[i]!, ...rest];
}

function* products(choices: readonly (readonly string[])[]): Generator<string[]> {
  if (choices.length === 0) {
    yield [];
    return;
  }
  const [first, ...rest] = choices;
  for (const value of first!) for (const tail of products(rest)) yield [value, ...tail];
}

/**
 * The optimal plan moving at most `maxChangedPins` non-requested pins, or null. `pins` are the
 * image's packages (with `python`), `requests` the requested constraints (on pinned or new packages).
 */
export function exactBestPlan(
  graph: DependencyGraph,
  pins: ReadonlyMap<string, string>,
  requests: readonly Dependency[],
  maxChangedPins: number,
): ExactPlan | null {
  const requested = [...new Set(requests.map((r) => r.package))];
  const requestChoices = requested.map((pkg) =>
    (graph.versions.get(pkg) ?? []).filter((v) => requests.every((r) => r.package !== pkg || r.allows(v))),
  );
  const movable = [...pins.keys()].filter(
    (pkg) => !requested.includes(pkg) && (graph.versions.get(pkg)?.length ?? 0) > 1,
  );
  const locked = new Set(pins.keys());
  const place = (pkg: string, version: string): number => graph.versions.get(pkg)!.indexOf(version);
  for (let k = 0; k <= maxChangedPins; k++) {
    let best: ExactPlan | null = null;
    for (const moved of subsets(movable, k)) {
      const movedChoices = moved.map((pkg) => graph.versions.get(pkg)!.filter((v) => v !== pins.get(pkg)));
      for (const chosen of products([...requestChoices, ...movedChoices])) {
        const assignment = new Map(pins);
        const changed = [...requested, ...moved];
        changed.forEach((pkg, i) => assignment.set(pkg, chosen[i]!));
        // Every present package is checked (pins' own deps may point at moved ones).
        if (!completeWithAdditions(graph, assignment, locked, [...assignment.keys()])) continue;
        let distance = 0;
        for (const [pkg, pinned] of pins)
          distance += Math.abs(place(pkg, assignment.get(pkg)!) - place(pkg, pinned));
        if (best === null || distance < best.distance) best = { changedPins: k, distance, assignment };
      }
    }
    if (best !== null) return best;
  }
  return null;
}

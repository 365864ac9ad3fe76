import { compareVersions, constraintAllows, type MemoryUniverse } from './memory-provider.js';

/**
 * Test support only: the exact oracle. Enumerates every assignment (each package absent or at one
 * of its versions) of a tiny universe; an assignment is a solution when every root requirement
 * names a present package at an allowed version and every present package's dependencies hold.
 */
export type Assignment = ReadonlyMap<string, string>;

export interface RootRequirement {
  readonly package: string;
  readonly constraint: string;
}

export function isValidAssignment(
  universe: MemoryUniverse,
  roots: readonly RootRequirement[],
  assignment: Assignment,
): boolean {
  for (const root of roots) {
    const version = assignment.get(root.package);
    if (version === undefined || !constraintAllows(root.constraint, version)) return false;
  }
  for (const [pkg, version] of assignment) {
    const deps = universe[pkg]?.[version];
    if (deps === undefined) return false;
    for (const [dep, constraint] of Object.entries(deps)) {
      const found = assignment.get(dep);
      if (found === undefined || !constraintAllows(constraint, found)) return false;
    }
  }
  return true;
}

export function* allAssignments(universe: MemoryUniverse): Generator<Assignment> {
  const packages = Object.keys(universe).sort();
  const options = packages.map((pkg) => [undefined, ...Object.keys(universe[pkg]!).sort(compareVersions)]);
  const choice = packages.map(() => 0);
  while (true) {
    const assignment = new Map<string, string>();
    packages.forEach((pkg, i) => {
      const version = options[i]![choice[i]!];
      if (version !== undefined) assignment.set(pkg, version);
    });
    yield assignment;
    let position = 0;
    while (position < packages.length && choice[position] === options[position]!.length - 1) {
      choice[position] = 0;
      position++;
    }
    if (position === packages.length) return;
    choice[position]! += 1;
  }
}

export function bruteForceSatisfiable(universe: MemoryUniverse, roots: readonly RootRequirement[]): boolean {
  for (const assignment of allAssignments(universe))
    if (isValidAssignment(universe, roots, assignment)) return true;
  return false;
}

export interface PlanObjective {
  readonly changedPins: number;
  readonly distance: number;
}

/** The planner's objective for an assignment: (non-requested pins moved, total index distance). */
export function planObjective(
  universe: MemoryUniverse,
  pins: ReadonlyMap<string, string>,
  requested: ReadonlySet<string>,
  assignment: Assignment,
): PlanObjective {
  let changedPins = 0;
  let distance = 0;
  for (const [pkg, pinned] of pins) {
    const version = assignment.get(pkg);
    if (version === undefined || version === pinned) continue;
    if (!requested.has(pkg)) changedPins++;
    const versions = Object.keys(universe[pkg]!).sort(compareVersions);
    distance += Math.abs(versions.indexOf(version) - versions.indexOf(pinned));
  }
  return { changedPins, distance };
}

/** The best objective over all valid assignments keeping every pin present, or null if none. */
export function bruteForceBestPlan(
  universe: MemoryUniverse,
  pins: ReadonlyMap<string, string>,
  requests: readonly RootRequirement[],
  keep: ReadonlySet<string> = new Set(),
): PlanObjective | null {
  const requested = new Set(requests.map((request) => request.package));
  const roots: RootRequirement[] = [...requests];
  for (const [pkg, version] of pins)
    roots.push({ package: pkg, constraint: keep.has(pkg) ? `==${version}` : '' });
  let best: PlanObjective | null = null;
  for (const assignment of allAssignments(universe)) {
    if (!isValidAssignment(universe, roots, assignment)) continue;
    const objective = planObjective(universe, pins, requested, assignment);
    if (
      best === null ||
      objective.changedPins < best.changedPins ||
      (objective.changedPins === best.changedPins && objective.distance < best.distance)
    ) {
      best = objective;
    }
  }
  return best;
}

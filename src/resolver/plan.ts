import { InputError } from '../domain/errors/index.js';
import { checkConsistency } from './consistency.js';
import { solveIn } from './solve.js';
import type {
  AddedPackage,
  Dependency,
  DependencyProvider,
  PinChange,
  Plan,
  PlanInput,
  RootDependency,
  Solution,
  SolutionFailed,
  SolveOptions,
  Violation,
} from './types.js';
import { createUniverse, loadPackage, type PackageInfo, type Universe } from './universe.js';

const REQUEST_SOURCE = 'the requested change';

/**
 * Plans the smallest change to an image that satisfies a request. Optimal, not greedy: among all
 * consistent images that keep every pin present, it minimises first the number of non-requested
 * pins that move, then the total distance moved (places in each package's ascending candidate list).
 *
 * Method: core-guided iterative deepening on k, the number of moved pins. Each failed solve with
 * some pins fixed returns an unsatisfiable core (the fixed pins its proof uses); any feasible set of
 * moved pins must hit every core, so only hitting sets are tried (the implicit-hitting-set scheme of
 * MaxSAT solvers). Within the minimal k, a branch and bound over the moved packages' versions,
 * nearest first, finds the least distance; its bound is each package's least feasible distance
 * alone (a binary search over windows around the pin), which is usually met by the first solution.
 *
 * @example
 * const plan = await planChange(provider, { pins: image, requests: [dbtCore110] });
 * plan.changes; // [{ name: 'dbt-core', ... }, { name: 'dbt-snowflake', from: '1.11.6', to: '1.10.4', ... }]
 */
export async function planChange(provider: DependencyProvider, input: PlanInput): Promise<Plan> {
  const planner = await Planner.create(provider, input);
  return planner.plan();
}

interface Best {
  readonly distance: number;
  readonly packages: ReadonlyMap<string, string>;
}

// A class holds the shared caches of one planning job; the public face is `planChange`.
class Planner {
  private readonly requests: readonly RootDependency[];
  private readonly requested: ReadonlySet<string>;
  private readonly kept: ReadonlySet<string>;
  /** Pins that may move: neither requested nor kept. */
  private readonly changeable: readonly string[];
  private readonly fixedPins = new Map<string, RootDependency>();
  private readonly fixedPinOwner = new Map<Dependency, string>();
  private readonly presence = new Map<string, RootDependency>();
  private readonly mustMove = new Map<string, RootDependency>();
  private readonly options: SolveOptions;
  private best: Best | null = null;

  private constructor(
    private readonly universe: Universe,
    private readonly input: PlanInput,
    private readonly infos: ReadonlyMap<string, PackageInfo>,
    private readonly isVirtual: (pkg: string) => boolean,
  ) {
    this.requests = input.requests.map((request): RootDependency => ({
      package: request.package,
      constraint: request.constraint,
      allows: (version) => request.allows(version),
      origin: 'request',
      source: REQUEST_SOURCE,
    }));
    this.requested = new Set(input.requests.map((request) => request.package));
    this.kept = new Set(input.keep ?? []);
    const pins = [...input.pins].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    this.changeable = pins
      .map(([pkg]) => pkg)
      .filter((pkg) => !this.requested.has(pkg) && !this.kept.has(pkg));
    for (const [pkg, version] of pins) {
      const pin: RootDependency = {
        package: pkg,
        constraint: `==${version}`,
        allows: (candidate) => candidate === version,
        origin: 'pin',
        source: 'the image',
      };
      this.fixedPins.set(pkg, pin);
      if (!this.kept.has(pkg)) this.fixedPinOwner.set(pin, pkg);
      this.presence.set(pkg, {
        package: pkg,
        constraint: '',
        allows: () => true,
        origin: 'present',
        source: 'the image',
      });
      this.mustMove.set(pkg, {
        package: pkg,
        constraint: `!=${version}`,
        allows: (candidate) => candidate !== version,
        origin: 'present',
        source: 'the plan',
      });
    }
    this.options = {
      preferences: input.pins,
      candidateOrder: (pkg, versions) => {
        const pinned = input.pins.get(pkg);
        const index = pinned === undefined ? undefined : this.infos.get(pkg)?.indexOf.get(pinned);
        return index === undefined
          ? versions.map((_, i) => versions.length - 1 - i)
          : nearestFirst(index, versions.length);
      },
    };
  }

  static async create(provider: DependencyProvider, input: PlanInput): Promise<Planner> {
    const universe = createUniverse(provider);
    const infos = new Map<string, PackageInfo>();
    for (const [pkg, version] of input.pins) {
      const info = await loadPackage(universe, pkg);
      if (!info.indexOf.has(version)) {
        throw new InputError(`${pkg} ${version} is pinned but is not an available version of ${pkg}`, {
          remedy: `Check the pin against the package index; available: ${info.versions.join(', ') || 'none'}.`,
          extra: { package: pkg, version },
        });
      }
      infos.set(pkg, info);
    }
    for (const pkg of input.keep ?? []) {
      if (!input.pins.has(pkg)) {
        throw new InputError(`${pkg} is to be kept but the image does not pin it`, {
          remedy: 'Only pinned packages can be kept; remove it from keep.',
        });
      }
      if (input.requests.some((request) => request.package === pkg)) {
        throw new InputError(`${pkg} is both requested to change and to be kept`, {
          remedy: `Drop ${pkg} from keep, or drop the request on it.`,
        });
      }
    }
    for (const request of input.requests)
      infos.set(request.package, await loadPackage(universe, request.package));
    return new Planner(universe, input, infos, (pkg) => provider.isVirtual?.(pkg) === true);
  }

  async plan(): Promise<Plan> {
    // Pins never dropped, kept pins fixed, everything else free: if even this fails, nothing works.
    const relaxed = await this.solve(new Set(this.changeable), new Map(), false);
    if (!relaxed.ok) return this.infeasible(relaxed);

    const { feasible, firstFailure } = await this.smallestMovingSets();
    for (const moving of feasible) await this.minimiseDistance(moving);
    const best = this.best!;
    return this.feasible(best, feasible[0]!.length, firstFailure);
  }

  private solve(
    free: ReadonlySet<string>,
    assigned: ReadonlyMap<string, string>,
    mustMove: boolean,
    window: RootDependency | null = null,
  ): Promise<Solution> {
    const roots: RootDependency[] = [...this.requests];
    for (const pkg of this.fixedPins.keys()) {
      const version = assigned.get(pkg);
      if (window?.package === pkg) {
        roots.push(window);
      } else if (version !== undefined) {
        roots.push({
          package: pkg,
          constraint: `==${version}`,
          allows: (candidate) => candidate === version,
          origin: 'pin',
          source: 'the plan',
        });
      } else if (this.requested.has(pkg)) {
        continue;
      } else if (free.has(pkg)) {
        roots.push(mustMove ? this.mustMove.get(pkg)! : this.presence.get(pkg)!);
      } else {
        roots.push(this.fixedPins.get(pkg)!);
      }
    }
    return solveIn(this.universe, roots, this.options);
  }

  /**
   * Iterative deepening on k with unsatisfiable cores: returns every k-set of moving pins that
   * admits a solution, for the least such k. Every set of fewer pins is either not a hitting set
   * of the known cores or was tried and failed, so no smaller change exists.
   */
  private async smallestMovingSets(): Promise<{ feasible: string[][]; firstFailure: SolutionFailed | null }> {
    const cores: string[][] = [];
    const tried = new Set<string>();
    const feasible: string[][] = [];
    let firstFailure: SolutionFailed | null = null;
    for (let k = 0; k <= this.changeable.length && feasible.length === 0; k++) {
      let learned = true;
      while (learned) {
        learned = false;
        const elements = [...new Set(cores.flat())].sort();
        for (const subset of combinations(elements, k)) {
          const key = subset.join('\u0000');
          if (tried.has(key) || !cores.every((core) => core.some((pkg) => subset.includes(pkg)))) continue;
          tried.add(key);
          const result = await this.solve(new Set(subset), new Map(), false);
          if (result.ok) {
            feasible.push(subset);
            continue;
          }
          firstFailure ??= result;
          const core = [...new Set(result.core.flatMap((root) => this.fixedPinOwner.get(root) ?? []))].sort();
          // The relaxed solve succeeded, so a failure must rest on some fixed, changeable pin.
          if (core.length === 0)
            throw new Error('planner invariant: a failed solve without fixed pins in its core');
          cores.push(core);
          learned = true;
          break;
        }
      }
    }
    return { feasible, firstFailure };
  }

  /**
   * Branch and bound over the versions of the moving pins and requested pins, nearest first.
   * The bound is each package's own least distance (found by binary search on a window around its
   * pin), so a search whose first solution already meets the bound ends at once.
   */
  private async minimiseDistance(moving: readonly string[]): Promise<void> {
    const requestedPins = [...this.requested].filter((pkg) => this.input.pins.has(pkg)).sort();
    const order = [...moving, ...requestedPins];
    const movingSet = new Set(moving);
    const first = await this.solve(movingSet, new Map(), true);
    if (!first.ok) return;
    this.offer(first.packages);
    const lower: number[] = [];
    for (const pkg of order) lower.push(await this.leastDistance(pkg, movingSet, first.packages));
    const choices = order.map((pkg, i) => {
      const info = this.infos.get(pkg)!;
      const pinIndex = info.indexOf.get(this.input.pins.get(pkg)!)!;
      const requests = this.requests.filter((request) => request.package === pkg);
      return nearestFirst(pinIndex, info.versions.length)
        .filter((index) => Math.abs(index - pinIndex) >= lower[i]!)
        .filter((index) => requests.every((request) => request.allows(info.versions[index]!)))
        .map((index) => ({ version: info.versions[index]!, distance: Math.abs(index - pinIndex) }));
    });
    // Least distance each remaining package must still add.
    const rest = order.map((_, i) =>
      choices.slice(i).reduce((sum, list) => sum + (list[0]?.distance ?? 0), 0),
    );
    rest.push(0);

    const search = async (depth: number, assigned: Map<string, string>, spent: number): Promise<void> => {
      if (spent + rest[depth]! >= (this.best?.distance ?? Infinity)) return;
      const result = depth === 0 ? first : await this.solve(movingSet, assigned, true);
      if (!result.ok) return;
      this.offer(result.packages);
      if (depth === order.length) return;
      const pkg = order[depth]!;
      for (const choice of choices[depth]!) {
        if (spent + choice.distance + rest[depth + 1]! >= (this.best?.distance ?? Infinity)) break;
        assigned.set(pkg, choice.version);
        await search(depth + 1, assigned, spent + choice.distance);
        assigned.delete(pkg);
      }
    };
    await search(0, new Map(), 0);
  }

  /** Keeps a solution if it beats the best so far. */
  private offer(packages: ReadonlyMap<string, string>): void {
    const distance = this.distanceOf(packages);
    if (distance < (this.best?.distance ?? Infinity)) this.best = { distance, packages };
  }

  /**
   * The least distance `pkg` can move in any solution with this moving set: a binary search on
   * the window of candidates within d places of its pin (feasibility only grows with d). `found`
   * is a known solution, whose distance for `pkg` bounds the answer from above.
   */
  private async leastDistance(
    pkg: string,
    moving: ReadonlySet<string>,
    found: ReadonlyMap<string, string>,
  ): Promise<number> {
    const info = this.infos.get(pkg)!;
    const pinIndex = info.indexOf.get(this.input.pins.get(pkg)!)!;
    const mustMove = moving.has(pkg);
    let low = mustMove ? 1 : 0;
    const foundIndex = info.indexOf.get(found.get(pkg) ?? '');
    if (foundIndex === undefined) return low;
    let high = Math.abs(foundIndex - pinIndex);
    while (low < high) {
      const middle = (low + high) >>> 1;
      const window: RootDependency = {
        package: pkg,
        constraint: `within ${middle} of ${this.input.pins.get(pkg)!}`,
        allows: (candidate) => {
          const distance = Math.abs((info.indexOf.get(candidate) ?? Infinity) - pinIndex);
          return distance <= middle && !(mustMove && distance === 0);
        },
        origin: 'present',
        source: 'the plan',
      };
      const result = await this.solve(moving, new Map(), true, window);
      if (result.ok) {
        this.offer(result.packages);
        high = middle;
      } else {
        low = middle + 1;
      }
    }
    return low;
  }

  private distanceOf(packages: ReadonlyMap<string, string>): number {
    let distance = 0;
    for (const [pkg, pinned] of this.input.pins) {
      const info = this.infos.get(pkg)!;
      const now = packages.get(pkg);
      if (now === undefined) continue;
      distance += Math.abs(info.indexOf.get(now)! - info.indexOf.get(pinned)!);
    }
    return distance;
  }

  private async feasible(
    best: Best,
    changedPins: number,
    firstFailure: SolutionFailed | null,
  ): Promise<Plan> {
    const changes: PinChange[] = [];
    const added: AddedPackage[] = [];
    for (const [name, version] of best.packages) {
      const from = this.input.pins.get(name);
      if (from === undefined) {
        if (!this.isVirtual(name)) added.push({ name, version });
      } else if (from !== version)
        changes.push({ name, from, to: version, requested: this.requested.has(name) });
    }
    const conflictsIfAlone = await this.conflictsIfAlone(best.packages);
    const moves = (list: readonly PinChange[]): string =>
      list.map((change) => `${change.name} ${change.from} → ${change.to}`).join(', ');
    const requestedMoves = changes.filter((change) => change.requested);
    const coChanges = changes.filter((change) => !change.requested);
    let explanation: string;
    if (changes.length === 0 && added.length === 0) {
      explanation = 'The image already satisfies the request; nothing moves.';
    } else if (coChanges.length === 0) {
      explanation = `The request fits the image without moving any other pin${requestedMoves.length > 0 ? `: ${moves(requestedMoves)}` : ''}.`;
    } else {
      explanation =
        `Moving only the requested packages leaves the image inconsistent:\n${firstFailure?.explanation.text ?? ''}\n` +
        `The smallest consistent change also moves ${coChanges.length === 1 ? '1 other pin' : `${coChanges.length} other pins`}: ${moves(coChanges)}.`;
    }
    if (added.length > 0) {
      explanation += ` New packages: ${added.map((entry) => `${entry.name} ${entry.version}`).join(', ')}.`;
    }
    return {
      feasible: true,
      changes: changes.sort((a, b) => (a.name < b.name ? -1 : 1)),
      added,
      conflictsIfAlone,
      explanation,
      ...(coChanges.length > 0 && firstFailure !== null ? { derivation: firstFailure.explanation } : {}),
      packages: best.packages,
      changedPins,
      distance: best.distance,
    };
  }

  private async infeasible(failure: SolutionFailed): Promise<Plan> {
    return {
      feasible: false,
      changes: [],
      added: [],
      conflictsIfAlone: await this.conflictsIfAlone(null),
      explanation: `No consistent image satisfies the request, even moving every ${this.kept.size > 0 ? 'pin that is not kept' : 'other pin'}:\n${failure.explanation.text}`,
      derivation: failure.explanation,
      packages: new Map(),
      changedPins: 0,
      distance: 0,
    };
  }

  /**
   * What breaks if only the requested packages move (to the version the plan picks, or the allowed
   * candidate nearest the pin), compared with the current pins: the user's "why can't I just...".
   */
  private async conflictsIfAlone(chosen: ReadonlyMap<string, string> | null): Promise<Violation[]> {
    const moved = new Map(this.input.pins);
    for (const pkg of this.requested) {
      const info = this.infos.get(pkg)!;
      const requests = this.requests.filter((request) => request.package === pkg);
      const pinned = this.input.pins.get(pkg);
      const pinIndex = pinned === undefined ? info.versions.length - 1 : info.indexOf.get(pinned)!;
      const nearest = nearestFirst(Math.max(pinIndex, 0), info.versions.length)
        .map((index) => info.versions[index]!)
        .find((version) => requests.every((request) => request.allows(version)));
      const version = chosen?.get(pkg) ?? nearest;
      if (version !== undefined) moved.set(pkg, version);
    }
    const provider = this.universe.provider;
    const before = await checkConsistency(provider, this.input.pins);
    const after = await checkConsistency(provider, moved);
    const known = new Set(before.violations.map(violationKey));
    return after.violations.filter((violation) => !known.has(violationKey(violation)));
  }
}

function violationKey(violation: Violation): string {
  return [violation.package, violation.version, violation.requires, violation.found ?? ''].join('\u0000');
}

/** Candidate indices by distance from `center`, the newer one first on a tie (forward-fix bias). */
function nearestFirst(center: number, count: number): number[] {
  const order: number[] = [];
  if (center < count) order.push(center);
  for (let step = 1; order.length < count; step++) {
    if (center + step < count) order.push(center + step);
    if (center - step >= 0) order.push(center - step);
  }
  return order;
}

function* combinations(elements: readonly string[], k: number): Generator<string[]> {
  if (k > elements.length) return;
  const indices = Array.from({ length: k }, (_, i) => i);
  while (true) {
    yield indices.map((i) => elements[i]!);
    let position = k - 1;
    while (position >= 0 && indices[position] === elements.length - k + position) position--;
    if (position < 0) return;
    indices[position]! += 1;
    for (let i = position + 1; i < k; i++) indices[i] = indices[i - 1]! + 1;
  }
}

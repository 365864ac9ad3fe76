import { describe, expect, it } from 'vitest';
import { planChange, solve } from './index.js';
import {
  bruteForceBestPlan,
  bruteForceSatisfiable,
  compareVersions,
  CONSTRAINTS,
  dependency,
  isValidAssignment,
  memoryProvider,
  pick,
  planObjective,
  randomUniverse,
  seededRandom,
  type RootRequirement,
} from './testing/index.js';

// The exact oracle: enumerate every assignment of tiny random universes and compare.
describe('solve against brute force', () => {
  it('agrees on satisfiability, returns only valid solutions, and fails with a real core (400 cases)', async () => {
    const random = seededRandom(20240611);
    let satisfiable = 0;
    for (let run = 0; run < 400; run++) {
      const universe = randomUniverse(random);
      const names = Object.keys(universe);
      const roots: RootRequirement[] = [];
      const rootCount = 1 + Math.floor(random() * 2);
      for (let i = 0; i < rootCount; i++)
        roots.push({ package: pick(random, names), constraint: pick(random, CONSTRAINTS) });
      const provider = memoryProvider(universe);
      const deps = roots.map((root) => dependency(root.package, root.constraint));
      const result = await solve(provider, deps);
      const expected = bruteForceSatisfiable(universe, roots);
      const context = `case ${run}: ${JSON.stringify({ universe, roots })}`;
      expect(result.ok, context).toBe(expected);
      if (result.ok) {
        satisfiable++;
        expect(isValidAssignment(universe, roots, result.packages), context).toBe(true);
      } else {
        // The core alone must already be unsatisfiable.
        const core = result.core.map((root) => ({ package: root.package, constraint: root.constraint }));
        expect(bruteForceSatisfiable(universe, core), context).toBe(false);
        expect(result.explanation.text.length, context).toBeGreaterThan(0);
      }
    }
    // Both outcomes must be well represented or the comparison proves little.
    expect(satisfiable).toBeGreaterThan(100);
    expect(satisfiable).toBeLessThan(380);
  });
});

describe('planChange against brute force', () => {
  it('finds the optimal (changed pins, distance) on 350 random images', async () => {
    const random = seededRandom(7);
    let feasible = 0;
    let coChanges = 0;
    for (let run = 0; run < 350; run++) {
      const universe = randomUniverse(random);
      const names = Object.keys(universe).filter((name) => Object.keys(universe[name]!).length > 0);
      if (names.length === 0) continue;
      const pins = new Map<string, string>();
      for (const name of names) {
        if (random() < 0.75) pins.set(name, pick(random, Object.keys(universe[name]!).sort(compareVersions)));
      }
      const requests: RootRequirement[] = [
        { package: pick(random, names), constraint: pick(random, CONSTRAINTS) },
      ];
      const keep = new Set<string>();
      for (const name of pins.keys()) if (name !== requests[0]!.package && random() < 0.15) keep.add(name);
      const context = `case ${run}: ${JSON.stringify({ universe, pins: [...pins], requests, keep: [...keep] })}`;

      const plan = await planChange(memoryProvider(universe), {
        pins,
        requests: requests.map((request) => dependency(request.package, request.constraint)),
        keep,
      });
      const best = bruteForceBestPlan(universe, pins, requests, keep);
      expect(plan.feasible, context).toBe(best !== null);
      if (best === null) {
        expect(plan.explanation, context).toContain('No consistent image');
        continue;
      }
      feasible++;
      if (plan.changedPins > 0) coChanges++;
      expect({ changedPins: plan.changedPins, distance: plan.distance }, context).toEqual(best);
      // The plan's image really is valid, keeps every pin and every kept version, and scores as claimed.
      const roots = [...requests, ...[...pins.keys()].map((name) => ({ package: name, constraint: '' }))];
      expect(isValidAssignment(universe, roots, plan.packages), context).toBe(true);
      for (const name of keep) expect(plan.packages.get(name), context).toBe(pins.get(name));
      const requested = new Set(requests.map((request) => request.package));
      expect(planObjective(universe, pins, requested, plan.packages), context).toEqual(best);
      expect(plan.changes.filter((change) => !change.requested).length, context).toBe(plan.changedPins);
    }
    expect(feasible).toBeGreaterThan(80);
    expect(coChanges).toBeGreaterThan(15);
  });
});

import { describe, expect, it } from 'vitest';
import { resolveConflict } from './conflict-resolution.js';
import { makeIncompatibility, ROOT } from './incompatibility.js';
import { PartialSolution } from './partial-solution.js';
import { complement, setOf, universalSet } from './version-set.js';

// Two packages: the root (one "version": selected) and `a` with versions 0 and 1.
const SIZES = new Map([
  [ROOT, 1],
  ['a', 2],
]);
const partialSolution = (): PartialSolution => new PartialSolution((pkg) => universalSet(SIZES.get(pkg)!));
const rootSelected = setOf(1, [0]);

describe('conflict resolution', () => {
  it('answers a root conflict as a result (no solution exists), without throwing', () => {
    const partial = partialSolution();
    partial.decide(ROOT, rootSelected, 0);
    const rootUnsatisfiable = makeIncompatibility([{ pkg: ROOT, set: rootSelected }], {
      kind: 'no-versions',
    });
    expect(resolveConflict(partial, rootUnsatisfiable)).toEqual({
      kind: 'root-conflict',
      incompatibility: rootUnsatisfiable,
    });
  });

  it('backjumps to the level before the decision that caused the conflict', () => {
    const partial = partialSolution();
    partial.decide(ROOT, rootSelected, 0);
    partial.decide('a', setOf(2, [1]), 1);
    expect(partial.level).toBe(2);
    // "root and a 1 cannot both be selected", satisfied since a 1 was decided.
    const conflict = makeIncompatibility(
      [
        { pkg: ROOT, set: rootSelected },
        { pkg: 'a', set: setOf(2, [1]) },
      ],
      { kind: 'no-versions' },
    );
    expect(partial.relation(conflict)).toEqual({ kind: 'satisfied' });
    const resolution = resolveConflict(partial, conflict);
    expect(resolution).toEqual({
      kind: 'derived',
      incompatibility: conflict,
      learned: false,
      backtrackLevel: 1,
    });
    // The caller backjumps; the conflict is then unit and forces "not a 1".
    partial.backtrack(1, () => undefined);
    expect(partial.isDecided('a')).toBe(false);
    expect(partial.relation(conflict)).toEqual({ kind: 'almost', pkg: 'a' });
    partial.derive('a', complement(setOf(2, [1])), conflict);
    expect(partial.relation(conflict)).toEqual({ kind: 'contradicted' });
  });
});

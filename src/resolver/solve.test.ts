import { describe, expect, it } from 'vitest';
import { solve } from './index.js';
import type { Solution, SolutionFailed, SolutionFound } from './index.js';
import { dependency, memoryProvider, type MemoryUniverse } from './testing/index.js';

function found(solution: Solution): ReadonlyMap<string, string> {
  if (!solution.ok) throw new Error(`expected a solution, got:\n${solution.explanation.text}`);
  return (solution as SolutionFound).packages;
}

function failed(solution: Solution): SolutionFailed {
  if (solution.ok) throw new Error(`expected a failure, got ${JSON.stringify([...solution.packages])}`);
  return solution;
}

function run(universe: MemoryUniverse, roots: Record<string, string>, options = {}): Promise<Solution> {
  const deps = Object.entries(roots).map(([pkg, constraint]) => dependency(pkg, constraint));
  return solve(memoryProvider(universe), deps, options);
}

// The examples of dart-lang/pub doc/solver.md ("Examples"), root's dependencies given as roots.
describe('solve: pub solver.md examples', () => {
  it('no conflicts: picks foo 1.0.0 and the bar its dependency allows', async () => {
    const universe = { foo: { '1.0.0': { bar: '^1.0.0' } }, bar: { '1.0.0': {}, '2.0.0': {} } };
    expect([...found(await run(universe, { foo: '^1.0.0' }))]).toEqual([
      ['bar', '1.0.0'],
      ['foo', '1.0.0'],
    ]);
  });

  it('avoiding conflict during decision making: foo 1.0.0 with bar 1.1.0', async () => {
    const universe = {
      foo: { '1.0.0': {}, '1.1.0': { bar: '^2.0.0' } },
      bar: { '1.0.0': {}, '1.1.0': {}, '2.0.0': {} },
    };
    expect(Object.fromEntries(found(await run(universe, { foo: '^1.0.0', bar: '^1.0.0' })))).toEqual({
      foo: '1.0.0',
      bar: '1.1.0',
    });
  });

  it('performing conflict resolution: learns that foo 2.0.0 cannot work', async () => {
    const universe = {
      foo: { '1.0.0': {}, '2.0.0': { bar: '^1.0.0' } },
      bar: { '1.0.0': { foo: '^1.0.0' } },
    };
    expect(Object.fromEntries(found(await run(universe, { foo: '>=1.0.0' })))).toEqual({ foo: '1.0.0' });
  });

  it('conflict resolution with a partial satisfier: foo 1.0.0 and target 2.0.0', async () => {
    const universe = {
      foo: { '1.0.0': {}, '1.1.0': { left: '^1.0.0', right: '^1.0.0' } },
      left: { '1.0.0': { shared: '>=1.0.0' } },
      right: { '1.0.0': { shared: '<2.0.0' } },
      shared: { '1.0.0': { target: '^1.0.0' }, '2.0.0': {} },
      target: { '1.0.0': {}, '2.0.0': {} },
    };
    expect(Object.fromEntries(found(await run(universe, { foo: '^1.0.0', target: '^2.0.0' })))).toEqual({
      foo: '1.0.0',
      target: '2.0.0',
    });
  });

  it('linear error reporting: one chain, no line numbers, names every constraint', async () => {
    const universe = {
      foo: { '1.0.0': { bar: '^2.0.0' } },
      bar: { '2.0.0': { baz: '^3.0.0' } },
      baz: { '1.0.0': {}, '3.0.0': {} },
    };
    const { explanation } = failed(await run(universe, { foo: '^1.0.0', baz: '^1.0.0' }));
    expect(explanation.lines.every((line) => line.number === undefined)).toBe(true);
    expect(explanation.lines.length).toBeLessThanOrEqual(3);
    // pub: "Because every version of foo depends on bar ^2.0.0 which depends on baz ^3.0.0, ..."
    expect(explanation.text).toContain('foo 1.0.0 depends on bar ^2.0.0 which depends on baz ^3.0.0');
    expect(explanation.text).toContain('baz ^1.0.0');
    expect(explanation.lines.at(-1)!.text).toMatch(/^So, because .*these requirements cannot all be met\.$/);
  });

  it('branching error reporting: numbers the shared conclusion and refers back to it', async () => {
    const universe = {
      foo: { '1.0.0': { a: '^1.0.0', b: '^1.0.0' }, '1.1.0': { x: '^1.0.0', y: '^1.0.0' } },
      a: { '1.0.0': { b: '^2.0.0' } },
      b: { '1.0.0': {}, '2.0.0': {} },
      x: { '1.0.0': { y: '^2.0.0' } },
      y: { '1.0.0': {}, '2.0.0': {} },
    };
    const { explanation } = failed(await run(universe, { foo: '^1.0.0' }));
    const numbered = explanation.lines.filter((line) => line.number !== undefined);
    expect(numbered.length).toBeGreaterThanOrEqual(1);
    // A later line cites the numbered one as "(1)".
    const citing = explanation.lines.filter((line) => line.number === undefined && line.text.includes('(1)'));
    expect(citing.length).toBeGreaterThanOrEqual(1);
    expect(explanation.lines.some((line) => line.text === '')).toBe(true);
    for (const fact of [
      'a ^1.0.0',
      'b ^1.0.0',
      'b ^2.0.0',
      'x ^1.0.0',
      'y ^1.0.0',
      'y ^2.0.0',
      'foo ^1.0.0',
    ]) {
      expect(explanation.text).toContain(fact);
    }
    expect(explanation.text).toMatch(/\(1\) /);
  });
});

describe('solve: behaviour', () => {
  it('prefers the newest candidate by default and the oldest on request', async () => {
    const universe = { foo: { '1.0.0': {}, '1.1.0': {}, '1.2.0': {} } };
    expect(found(await run(universe, { foo: '' })).get('foo')).toBe('1.2.0');
    expect(found(await run(universe, { foo: '' }, { candidateOrder: 'oldest-first' })).get('foo')).toBe(
      '1.0.0',
    );
  });

  it('keeps a preferred (pinned) version when it can, and drops it when it cannot', async () => {
    const universe = { foo: { '1.0.0': {}, '1.1.0': {}, '1.2.0': {} }, bar: { '1.0.0': { foo: '>=1.1.0' } } };
    const preferences = new Map([['foo', '1.0.0']]);
    expect(found(await run(universe, { foo: '' }, { preferences })).get('foo')).toBe('1.0.0');
    expect(found(await run(universe, { foo: '', bar: '' }, { preferences })).get('foo')).toBe('1.2.0');
  });

  it('explains a package nobody publishes', async () => {
    const { explanation, core } = failed(await run({ app: { '1.0': { ghost: '>=1' } } }, { app: '' }));
    expect(explanation.text).toContain('app 1.0 depends on ghost>=1 (no available version matches)');
    expect(core.map((root) => root.package)).toEqual(['app']);
  });

  it('explains a requirement on a package nobody publishes in one sentence', async () => {
    const { explanation, core } = failed(await run({ app: { '1.0': {} } }, { app: '', ghost: '>=1' }));
    expect(explanation.text).toBe(
      'Because the image requires ghost>=1 (no available version matches), these requirements cannot all be met.',
    );
    expect(core.map((root) => root.package)).toEqual(['ghost']);
  });

  it('collapses a candidate subset back into the constraint text the user wrote', async () => {
    const universe = {
      'dbt-core': { '1.10.0': {}, '1.10.4': {}, '1.11.0': {}, '1.11.6': {} },
      'dbt-snowflake': { '1.11.6': { 'dbt-core': '>=1.11.6' } },
    };
    const { explanation } = failed(
      await run(universe, { 'dbt-core': '==1.10.*', 'dbt-snowflake': '==1.11.6' }),
    );
    expect(explanation.text).toContain('dbt-snowflake 1.11.6 depends on dbt-core>=1.11.6');
    expect(explanation.text).toContain('dbt-core==1.10.*');
  });

  it('lists versions and ranges when no constraint text matches the set', async () => {
    const universe = {
      lib: {
        '1.0': {},
        '1.1': { ghost: '' },
        '1.2': { ghost: '' },
        '1.3': { ghost: '' },
        '1.4': { ghost: '' },
        '2.0': {},
      },
      a: { '1.0': { lib: '<1.5' } },
    };
    const { explanation } = failed(await run(universe, { a: '', lib: '>=1.1' }));
    expect(explanation.text).toContain('lib 1.1 or 1.2 cannot be used');
    expect(explanation.text).toContain('lib 1.1 through 1.3 cannot be used');
    expect(explanation.text).toContain('every version of a requires lib 1.0');
    // "which depends on" would wrongly claim every accepted lib depends on ghost.
    expect(explanation.text).not.toContain('which depends on');
  });

  it('awaits asynchronous providers and asks each question once', async () => {
    const provider = memoryProvider({ foo: { '1.0.0': { bar: '' } }, bar: { '1.0.0': {} } }, { async: true });
    const result = await solve(provider, [dependency('foo', '')]);
    expect(Object.fromEntries(found(result))).toEqual({ foo: '1.0.0', bar: '1.0.0' });
    expect(provider.calls.versions).toBe(2);
    expect(provider.calls.dependencies).toBe(2);
  });

  it('gives the same answer every time (deterministic)', async () => {
    const universe = {
      a: { '1': { b: '>=1' }, '2': { b: '>=2', c: '' } },
      b: { '1': {}, '2': { c: '<2' }, '3': {} },
      c: { '1': {}, '2': {} },
    };
    // The same universe written in every order of its packages and of their versions: an answer
    // that leaned on insertion order would differ between them.
    const orders = permutations(Object.keys(universe) as (keyof typeof universe)[]).flatMap((names) => [
      Object.fromEntries(names.map((name) => [name, universe[name]])),
      Object.fromEntries(
        names.map((name) => [name, Object.fromEntries(Object.entries(universe[name]).reverse())]),
      ),
    ]);
    const answers = await Promise.all(orders.map((ordered) => run(ordered, { a: '' })));
    const texts = answers.map((answer) => JSON.stringify([...found(answer)].sort()));
    expect(orders).toHaveLength(12);
    expect(new Set(texts).size).toBe(1);
  });
});

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, index) =>
    permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]),
  );
}

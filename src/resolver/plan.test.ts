import { describe, expect, it } from 'vitest';
import { InputError } from '../domain/errors/index.js';
import { checkConsistency, planChange } from './index.js';
import { dependency, memoryProvider, type MemoryUniverse } from './testing/index.js';

function dbtUniverse(): MemoryUniverse {
  const core: Record<string, Record<string, string>> = {};
  for (const patch of [0, 1, 2, 3, 4]) core[`1.10.${patch}`] = { 'dbt-adapters': '>=1.0,<2' };
  for (const patch of [0, 1, 2, 3, 4, 5, 6]) core[`1.11.${patch}`] = { 'dbt-adapters': '>=1.3,<2' };
  const snowflake: Record<string, Record<string, string>> = {};
  for (const patch of [0, 1, 2, 3]) {
    snowflake[`1.10.${patch}`] = { 'dbt-core': '>=1.10.0,<1.11.0', 'snowflake-connector-python': '>=3.0' };
  }
  for (const patch of [0, 1, 2, 3, 4, 5]) {
    snowflake[`1.11.${patch}`] = { 'dbt-core': '>=1.11.0,<1.12.0', 'snowflake-connector-python': '>=3.12' };
  }
  snowflake['1.11.6'] = { 'dbt-core': '>=1.11.6,<1.12.0', 'snowflake-connector-python': '>=3.12' };
  return {
    'dbt-core': core,
    'dbt-snowflake': snowflake,
    'dbt-adapters': { '1.0': {}, '1.3': {}, '1.4': {} },
    'snowflake-connector-python': { '3.0': {}, '3.12': {}, '3.13': {} },
    requests: { '2.31': {}, '2.32': {} },
  };
}

const currentImage = new Map([
  ['dbt-core', '1.11.6'],
  ['dbt-snowflake', '1.11.6'],
  ['dbt-adapters', '1.4'],
  ['snowflake-connector-python', '3.13'],
  ['requests', '2.32'],
]);

describe('planChange: rolling dbt-core back from 1.11 to 1.10', () => {
  it('co-rolls dbt-snowflake to the newest 1.10.x and leaves every other pin alone', async () => {
    const plan = await planChange(memoryProvider(dbtUniverse()), {
      pins: currentImage,
      requests: [dependency('dbt-core', '==1.10.*')],
    });
    expect(plan.feasible).toBe(true);
    expect(plan.changes).toEqual([
      { name: 'dbt-core', from: '1.11.6', to: '1.10.4', requested: true },
      { name: 'dbt-snowflake', from: '1.11.6', to: '1.10.3', requested: false },
    ]);
    expect(plan.added).toEqual([]);
    expect(plan.changedPins).toBe(1);
    // Each moves 7 places: dbt-core 1.11.6 → 1.10.4, dbt-snowflake 1.11.6 → 1.10.3.
    expect(plan.distance).toBe(14);
    expect(plan.packages.get('requests')).toBe('2.32');
  });

  it('explains why dbt-snowflake has to move, naming both constraints', async () => {
    const plan = await planChange(memoryProvider(dbtUniverse()), {
      pins: currentImage,
      requests: [dependency('dbt-core', '==1.10.*')],
    });
    expect(plan.explanation).toContain('dbt-snowflake 1.11.6 depends on dbt-core>=1.11.6,<1.12.0');
    expect(plan.explanation).toContain('the requested change requires dbt-core==1.10.*');
    expect(plan.explanation).toContain('dbt-snowflake 1.11.6 → 1.10.3');
    expect(plan.derivation?.lines.length).toBeGreaterThan(0);
  });

  it('reports what breaks if only dbt-core moves', async () => {
    const plan = await planChange(memoryProvider(dbtUniverse()), {
      pins: currentImage,
      requests: [dependency('dbt-core', '==1.10.*')],
    });
    expect(plan.conflictsIfAlone).toEqual([
      {
        package: 'dbt-snowflake',
        version: '1.11.6',
        dependency: 'dbt-core',
        requires: 'dbt-core>=1.11.6,<1.12.0',
        found: '1.10.4',
      },
    ]);
  });

  it('refuses when the co-change is frozen, and says why', async () => {
    const plan = await planChange(memoryProvider(dbtUniverse()), {
      pins: currentImage,
      requests: [dependency('dbt-core', '==1.10.*')],
      keep: ['dbt-snowflake'],
    });
    expect(plan.feasible).toBe(false);
    expect(plan.changes).toEqual([]);
    expect(plan.explanation).toContain('dbt-snowflake 1.11.6');
    expect(plan.explanation).toContain('dbt-core==1.10.*');
    expect(plan.conflictsIfAlone.map((violation) => violation.package)).toEqual(['dbt-snowflake']);
  });

  it('moves nothing else when the request fits', async () => {
    const plan = await planChange(memoryProvider(dbtUniverse()), {
      pins: currentImage,
      requests: [dependency('dbt-core', '>=1.11.6')],
    });
    expect(plan.feasible).toBe(true);
    expect(plan.changes).toEqual([]);
    expect(plan.changedPins).toBe(0);
    expect(plan.explanation).toContain('nothing moves');
  });

  it('adds a requested package that was not pinned, with its dependencies', async () => {
    const universe = {
      ...dbtUniverse(),
      'dbt-utils': { '1.0': { extra: '>=1' } },
      extra: { '1.0': {}, '1.1': {} },
    };
    const plan = await planChange(memoryProvider(universe), {
      pins: currentImage,
      requests: [dependency('dbt-utils', '')],
    });
    expect(plan.added).toEqual([
      { name: 'dbt-utils', version: '1.0' },
      { name: 'extra', version: '1.1' },
    ]);
    expect(plan.changes).toEqual([]);
  });

  it('rejects a pin that is not an available version, and contradictory input', async () => {
    const provider = memoryProvider(dbtUniverse());
    // The class alone would pass with any sentence: the user must read what is wrong and what to do.
    const unavailable = planChange(provider, { pins: new Map([['dbt-core', '9.9.9']]), requests: [] });
    await expect(unavailable).rejects.toBeInstanceOf(InputError);
    await expect(unavailable).rejects.toMatchObject({
      message: 'dbt-core 9.9.9 is pinned but is not an available version of dbt-core',
      remedy: expect.stringMatching(
        /^Check the pin against the package index; available: 1\.10\.0, .*1\.11\.6\.$/,
      ),
    });
    const contradictory = planChange(provider, {
      pins: currentImage,
      requests: [dependency('dbt-core', '==1.10.*')],
      keep: ['dbt-core'],
    });
    await expect(contradictory).rejects.toBeInstanceOf(InputError);
    await expect(contradictory).rejects.toMatchObject({
      message: 'dbt-core is both requested to change and to be kept',
      remedy: 'Drop dbt-core from keep, or drop the request on it.',
    });
  });
});

describe('checkConsistency', () => {
  it('accepts a consistent image', async () => {
    const result = await checkConsistency(memoryProvider(dbtUniverse()), currentImage);
    expect(result).toEqual({ consistent: true, violations: [] });
  });

  it('names each unmet dependency, and a missing package as found null', async () => {
    const pins = new Map(currentImage);
    pins.set('dbt-core', '1.10.2');
    pins.delete('snowflake-connector-python');
    const result = await checkConsistency(memoryProvider(dbtUniverse()), pins);
    expect(result.consistent).toBe(false);
    expect(result.violations).toEqual([
      {
        package: 'dbt-snowflake',
        version: '1.11.6',
        dependency: 'dbt-core',
        requires: 'dbt-core>=1.11.6,<1.12.0',
        found: '1.10.2',
      },
      {
        package: 'dbt-snowflake',
        version: '1.11.6',
        dependency: 'snowflake-connector-python',
        requires: 'snowflake-connector-python>=3.12',
        found: null,
      },
    ]);
  });
});

describe('a 400-package image', () => {
  // Performance sanity only (real timing belongs in bench/): a layered synthetic image where
  // each package depends on a few lower ones, and one request forces a single co-change.
  it('checks and plans within the test timeout', async () => {
    const universe: Record<string, Record<string, Record<string, string>>> = {};
    const pins = new Map<string, string>();
    for (let i = 0; i < 400; i++) {
      const versions: Record<string, Record<string, string>> = {};
      for (let v = 1; v <= 6; v++) {
        const deps: Record<string, string> = {};
        for (const offset of [1, 7, 31]) if (i - offset >= 0) deps[`pkg${i - offset}`] = '>=1';
        versions[`${v}.0`] = deps;
      }
      universe[`pkg${i}`] = versions;
      pins.set(`pkg${i}`, '6.0');
    }
    // pkg399 6.0 needs pkg0 6.0 exactly; the request rolls pkg0 back, so pkg399 must move too.
    universe['pkg399']!['6.0'] = { ...universe['pkg399']!['6.0'], pkg0: '>=6.0' };
    const provider = memoryProvider(universe);
    expect((await checkConsistency(provider, pins)).consistent).toBe(true);
    const plan = await planChange(provider, { pins, requests: [dependency('pkg0', '<6.0')] });
    expect(plan.feasible).toBe(true);
    expect(plan.changedPins).toBe(1);
    expect(plan.changes.map((change) => `${change.name} ${change.from}→${change.to}`)).toEqual([
      'pkg0 6.0→5.0',
      'pkg399 6.0→5.0',
    ]);
  });
});

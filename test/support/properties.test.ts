/**
 * The property-test harness is deterministic (issue 13): the same test name gives the same seed, and
 * a property sees the same inputs on every run, so CI cannot pass or fail by chance.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FUZZING, checkProperty, seedOf } from './properties.js';

describe('fixed-seed property runs', () => {
  it('derives a stable, name-specific seed', () => {
    expect(seedOf('a > b')).toBe(seedOf('a > b'));
    expect(seedOf('a > b')).not.toBe(seedOf('a > c'));
  });

  it.skipIf(FUZZING)('draws the same inputs on every run of the same test', () => {
    const draws: string[][] = [[], []];
    for (const seen of draws) {
      checkProperty(
        fc.property(fc.string(), (text) => {
          seen.push(text);
        }),
        { numRuns: 25 },
      );
    }
    expect(draws[0]).toHaveLength(25);
    expect(draws[1]).toEqual(draws[0]);
  });

  it.skipIf(FUZZING)('gives a bare fc.assert a fixed seed too (the vitest setup file)', () => {
    const draws: number[][] = [[], []];
    for (const seen of draws) {
      fc.assert(
        fc.property(fc.integer(), (n) => {
          seen.push(n);
        }),
        { numRuns: 10 },
      );
    }
    expect(draws[1]).toEqual(draws[0]);
  });
});

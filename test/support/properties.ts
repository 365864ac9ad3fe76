/**
 * Property tests with fixed seeds (issue 13: "CI passes or fails by chance"). In the normal suite each
 * property runs with a seed derived from its test's name, so a run on a fresh clone sees exactly what
 * the last run saw, then replays every seed that ever failed for it (property-seeds.ts). `npm run
 * fuzz` (RATCHET_FUZZ=1) draws fresh seeds and runs many more cases; what it finds becomes a fixed
 * case: the seed goes into property-seeds.ts and, better still, the input into an explicit test.
 *
 * @example
 * it('parses or refuses', () => checkProperty(fc.property(fc.string(), (s) => holds(s)), { numRuns: 400 }));
 */
import { randomInt } from 'node:crypto';
import fc from 'fast-check';
import { expect } from 'vitest';
import { FAILED_SEEDS } from './property-seeds.js';

/** True under `npm run fuzz`. */
export const FUZZING = process.env['RATCHET_FUZZ'] === '1';
/** How many times more cases a fuzz run tries than the normal suite. */
const FUZZ_FACTOR = Number(process.env['RATCHET_FUZZ_FACTOR'] ?? '20');

/** FNV-1a of the test's name: stable across runs and machines, different per property. */
export function seedOf(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}

function currentName(): string {
  const name = expect.getState().currentTestName;
  if (name === undefined) throw new Error('checkProperty runs inside a test (it/test), not at module level.');
  return name;
}

function runs<Ts>(params: fc.Parameters<Ts>): Array<fc.Parameters<Ts>> {
  const name = currentName();
  if (FUZZING) {
    return [{ ...params, seed: randomInt(2 ** 31), numRuns: (params.numRuns ?? 100) * FUZZ_FACTOR }];
  }
  const replays = (FAILED_SEEDS[name] ?? []).map((seed) => ({ ...params, seed }));
  return [{ ...params, seed: seedOf(name) }, ...replays];
}

function explain(error: unknown, seed: number | undefined): never {
  if (FUZZING && error instanceof Error) {
    error.message +=
      `\n\nA fuzz finding (seed ${String(seed)}). Fix the parser, then keep the case: add the seed under ` +
      `'${currentName()}' in test/support/property-seeds.ts, and the failing input as an explicit test.`;
  }
  throw error;
}

/** fc.assert for a synchronous property, with the fixed (or, fuzzing, fresh) seeds. */
export function checkProperty<Ts>(property: fc.IProperty<Ts>, params: fc.Parameters<Ts> = {}): void {
  for (const run of runs(params)) {
    try {
      fc.assert(property, run);
    } catch (error) {
      explain(error, run.seed);
    }
  }
}

/** fc.assert for an asynchronous property, with the fixed (or, fuzzing, fresh) seeds. */
export async function checkAsyncProperty<Ts>(
  property: fc.IAsyncProperty<Ts>,
  params: fc.Parameters<Ts> = {},
): Promise<void> {
  for (const run of runs(params)) {
    try {
      await fc.assert(property, run);
    } catch (error) {
      explain(error, run.seed);
    }
  }
}

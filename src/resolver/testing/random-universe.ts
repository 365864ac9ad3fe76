import type { MemoryUniverse } from './memory-provider.js';

/** Test support only: mulberry32, a small seeded PRNG, so random cases replay exactly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CONSTRAINTS = ['', '>=2', '<2', '==1', '!=2', '>=1,<3', '==3', '>=3', '<=2', '>1'];

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/** A tiny random universe: packages p0..pN with versions among 1..4 and random dependencies. */
export function randomUniverse(
  random: () => number,
  packages = 3 + Math.floor(random() * 3),
): MemoryUniverse {
  const names = Array.from({ length: packages }, (_, i) => `p${i}`);
  const universe: Record<string, Record<string, Record<string, string>>> = {};
  for (const name of names) {
    const versions: Record<string, Record<string, string>> = {};
    for (const version of ['1', '2', '3', '4']) {
      if (random() < 0.3) continue;
      const deps: Record<string, string> = {};
      const count = Math.floor(random() * 3);
      for (let i = 0; i < count; i++) {
        // Mostly real packages, sometimes one nobody publishes, sometimes itself.
        const target = random() < 0.05 ? 'ghost' : pick(random, names);
        deps[target] = pick(random, CONSTRAINTS);
      }
      versions[version] = deps;
    }
    universe[name] = versions;
  }
  return universe;
}

export { CONSTRAINTS };

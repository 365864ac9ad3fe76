import { buildWheel } from './build-wheel.js';

/** One release in a packse-style universe (the shape of packse scenarios). */
export interface UniverseRelease {
  readonly requires_dist?: readonly string[];
  readonly requires_python?: string | null;
  readonly provides_extra?: readonly string[];
}

/** `{ package: { version: release } }`, the shape packse scenarios use. */
export type Universe = Readonly<Record<string, Readonly<Record<string, UniverseRelease>>>>;

/** Writes one stub wheel per (package, version) of the universe into `dir`; returns the filenames. */
export function buildFindLinksFromUniverse(dir: string, universe: Universe): string[] {
  const filenames: string[] = [];
  for (const [name, releases] of Object.entries(universe)) {
    for (const [version, release] of Object.entries(releases)) {
      filenames.push(
        buildWheel(dir, {
          name,
          version,
          requiresDist: release.requires_dist ?? [],
          requiresPython: release.requires_python ?? null,
          providesExtra: release.provides_extra ?? [],
        }),
      );
    }
  }
  return filenames;
}

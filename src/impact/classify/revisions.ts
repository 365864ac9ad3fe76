import { normalizeName } from '../../python/names/index.js';
import { parseSpecifierSet } from '../../python/specifier/index.js';
import { compareVersions, tryParseVersion } from '../../python/version/index.js';
import type { ChangeDirection, ChangeRequest, RevisionPins, RunSide } from './types.js';

/** A revision's pins by normalised name (PEP 503), so `dbt_core` and `dbt-core` are one package. */
function pinsOf(revision: RevisionPins): Map<string, string> {
  return new Map(Object.entries(revision.packages).map(([name, version]) => [normalizeName(name), version]));
}

/** True when `pin` is the target: equal to an exact version, or inside a specifier set. */
export function matchesTarget(pin: string | undefined, target: string): boolean {
  if (pin === undefined) return false;
  if (tryParseVersion(target) !== null && tryParseVersion(pin) !== null)
    return compareVersions(pin, target) === 0;
  return parseSpecifierSet(target).contains(pin, { prereleases: true });
}

function samePin(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (tryParseVersion(a) !== null && tryParseVersion(b) !== null) return compareVersions(a, b) === 0;
  return a === b;
}

/** Sorts each known revision to the side of the change its pins put it on. */
export interface Sides {
  sideOf(revision: number): RunSide | null;
  readonly targetRevisions: readonly number[];
  /** `revision 7 (dbt-core 1.11.2)`: the changed packages as that revision pins them. */
  describe(revision: number): string;
  /** `dbt-core 1.10.*`: the target as asked. */
  readonly targetText: string;
  readonly direction: ChangeDirection;
}

/**
 * "A revision with the target versions" pins every changed package to its target (for a range
 * target: a version inside it). The current side is every revision whose pins of the changed
 * packages equal the current revision's: a later revision that moved only other packages is
 * still evidence for the current versions.
 */
export function sortRevisions(
  change: ChangeRequest,
  revisions: readonly RevisionPins[],
  current: number,
): Sides {
  const names = change.packages.map((pkg) => normalizeName(pkg.name));
  const pins = new Map(revisions.map((revision) => [revision.revision, pinsOf(revision)]));
  const currentPins =
    pins.get(current) ?? new Map(change.packages.map((pkg) => [normalizeName(pkg.name), pkg.from]));
  const side = new Map<number, RunSide>();
  for (const [revision, revisionPins] of pins) {
    // The current versions first: after a rollback, revision 1 pins what revision 3 pins, and its
    // runs are evidence for today's image, even when a target range (==1.10.*) also contains them.
    if (names.every((name) => samePin(revisionPins.get(name), currentPins.get(name)))) {
      side.set(revision, 'current');
    } else if (change.packages.every((pkg, i) => matchesTarget(revisionPins.get(names[i]!), pkg.to))) {
      side.set(revision, 'target');
    }
  }
  if (!side.has(current)) side.set(current, 'current');
  const targetRevisions = [...side].filter(([, s]) => s === 'target').map(([r]) => r);
  targetRevisions.sort((a, b) => a - b);

  function describe(revision: number): string {
    const revisionPins = pins.get(revision);
    if (revisionPins === undefined) return `revision ${revision}`;
    const text = change.packages
      .map((pkg, i) => `${pkg.name} ${revisionPins.get(names[i]!) ?? 'unpinned'}`)
      .join(', ');
    return `revision ${revision} (${text})`;
  }

  return {
    sideOf: (revision) => side.get(revision) ?? null,
    targetRevisions,
    describe,
    targetText: change.packages.map((pkg) => `${pkg.name} ${pkg.to.replace(/^==\s*/, '')}`).join(', '),
    direction: change.direction ?? inferDirection(change, targetRevisions, pins, names),
  };
}

/** Rollback when the (first) target version is older than the current one, upgrade when newer. */
function inferDirection(
  change: ChangeRequest,
  targetRevisions: readonly number[],
  pins: ReadonlyMap<number, ReadonlyMap<string, string>>,
  names: readonly string[],
): ChangeDirection {
  const first = change.packages[0];
  if (first === undefined || tryParseVersion(first.from) === null) return 'change';
  const target =
    tryParseVersion(first.to) !== null
      ? first.to
      : targetRevisions
          .map((revision) => pins.get(revision)?.get(names[0]!))
          .find((pin) => pin !== undefined);
  if (target === undefined || tryParseVersion(target) === null) return 'change';
  const order = compareVersions(target, first.from);
  return order < 0 ? 'rollback' : order > 0 ? 'upgrade' : 'change';
}

/** The exact versions a target resolves to, for checking declared constraints. */
export function targetVersions(
  change: ChangeRequest,
  revisions: readonly RevisionPins[],
  targetRevisions: readonly number[],
): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const pkg of change.packages) {
    const name = normalizeName(pkg.name);
    if (tryParseVersion(pkg.to) !== null) {
      result.set(name, [pkg.to]);
      continue;
    }
    // A range target is checked against the versions revisions actually pinned for it.
    const seen = revisions
      .filter((revision) => targetRevisions.includes(revision.revision))
      .map((revision) => pinsOf(revision).get(name))
      .filter((pin): pin is string => pin !== undefined);
    result.set(name, [...new Set(seen)]);
  }
  return result;
}

import { PolicyError } from '../errors/index.js';
import type { Layer } from '../layers/types.js';
import type { ImageContent } from '../revisions/schema.js';
import { compareSemver } from '../semver/index.js';
import { LAYER_POLICIES, PLATFORM_FORWARD_REASON } from './rollback-policy.js';

export interface RollbackAttempt {
  layer: Layer;
  instanceName: string;
  /** The revision the caller wants to go back to. */
  toRevision: number;
  /** The current (last deployed) revision, when there is one. */
  currentRevision: number | null;
}

/**
 * The answer to "roll this layer back": always a refusal here. Infrastructure and platform can never go
 * back; an image can, but only through the reviewed rollback-request workflow, never directly.
 */
export function rollbackRefusal(attempt: RollbackAttempt): PolicyError {
  const rule = LAYER_POLICIES[attempt.layer];
  const from = attempt.currentRevision === null ? '' : ` from revision ${attempt.currentRevision}`;
  const what = `Rolling back the ${attempt.layer} layer of ${attempt.instanceName}${from} to revision ${attempt.toRevision}`;
  const extra = {
    layer: attempt.layer,
    toRevision: attempt.toRevision,
    currentRevision: attempt.currentRevision,
  };
  if (rule.capability === 'never') {
    return new PolicyError(`${what} is refused: the rollback policy says "${rule.reason}"`, {
      policy: rule.policy,
      remedy: rule.remedy,
      extra,
    });
  }
  return new PolicyError(
    `${what} is not done directly: the rollback policy says "${rule.reason}" It goes through a rollback request with dependency review and impact analysis.`,
    { policy: rule.policy, remedy: 'Submit a rollback request; it is a last resort.', extra },
  );
}

/**
 * Platform versions must strictly increase (a re-release of the same version is not a forward fix).
 * `highest` is the highest version ever recorded and not failed; null on the first release.
 */
export function assertPlatformVersionIncreases(highest: string | null, next: string): void {
  if (highest === null) return;
  if (compareSemver(next, highest) > 0) return;
  const direction = compareSemver(next, highest) === 0 ? 'equal to' : 'lower than';
  throw new PolicyError(
    `Platform version ${next} is refused: it is ${direction} ${highest}, already released. The rollback policy says "${LAYER_POLICIES.platform.reason}" and "${PLATFORM_FORWARD_REASON}"`,
    {
      policy: 'platform-version-increases',
      remedy: `Report the defect so a hotfix ships as a new forward release with a version above ${highest}.`,
      extra: { highest, requested: next },
    },
  );
}

// PEP 503 name normalization, inlined so the domain stays free of the python/ module.
function normalizePackageName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

/** Two image contents pin the same Python and the same packages (order and name spelling ignored). */
export function sameImagePins(a: ImageContent, b: ImageContent): boolean {
  const key = (content: ImageContent): string =>
    JSON.stringify([
      content.python,
      content.packages
        .map((pin) => [normalizePackageName(pin.name), pin.version.trim()] as const)
        .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)),
    ]);
  return key(a) === key(b);
}

export interface ImageHistoryEntry {
  number: number;
  content: ImageContent;
}

export interface PackageDowngrade {
  name: string;
  from: string;
  to: string;
}

/**
 * Packages whose pinned version goes down from `current` to `next`. The version comparison is passed in
 * (PEP 440, from src/python) so that the domain does no packaging itself.
 */
export function findPackageDowngrades(
  current: ImageContent,
  next: ImageContent,
  compareVersions: (a: string, b: string) => number,
): PackageDowngrade[] {
  const before = new Map(current.packages.map((pin) => [normalizePackageName(pin.name), pin.version]));
  const downgrades: PackageDowngrade[] = [];
  for (const pin of next.packages) {
    const previous = before.get(normalizePackageName(pin.name));
    if (previous === undefined) continue;
    if (compareVersions(pin.version, previous) < 0)
      downgrades.push({ name: pin.name, from: previous, to: pin.version });
  }
  return downgrades;
}

export interface ImageRevisionCheck {
  /** Earlier image revisions of the instance (any status). */
  history: ImageHistoryEntry[];
  /** The current (last deployed) revision number, or null. */
  currentNumber: number | null;
  content: ImageContent;
  rollbackOf: number | null;
  /** Packages going down relative to the current content (see findPackageDowngrades). */
  downgrades: PackageDowngrade[];
  /** True only when called by the rollback-request workflow after review and acceptance. */
  viaRollbackRequest: boolean;
}

/**
 * An image revision outside the rollback-request workflow must move forward: it may not claim
 * `rollbackOf`, restore an older revision's pins, or lower a package. The policy: "A version rollback
 * should be considered only as a last resort" and goes through "a rollback request".
 */
export function assertImageRevisionIsForward(check: ImageRevisionCheck): void {
  if (check.viaRollbackRequest) return;
  const refuse = (what: string, extra: Record<string, unknown>): never => {
    throw new PolicyError(
      `${what} is refused outside the rollback-request workflow: the rollback policy says "${LAYER_POLICIES.image.reason}"`,
      {
        policy: 'image-rollback-outside-request',
        remedy: 'Submit a rollback request; it is a last resort.',
        extra,
      },
    );
  };
  if (check.rollbackOf !== null) {
    refuse(`An image revision that rolls back to revision ${check.rollbackOf}`, {
      rollbackOf: check.rollbackOf,
    });
  }
  const current = check.history.find((entry) => entry.number === check.currentNumber);
  const restored = check.history.find(
    (entry) =>
      entry.number !== check.currentNumber &&
      sameImagePins(entry.content, check.content) &&
      (current === undefined || !sameImagePins(current.content, check.content)),
  );
  if (restored !== undefined) {
    refuse(`An image revision that restores the pins of revision ${restored.number}`, {
      restores: restored.number,
    });
  }
  if (check.downgrades.length > 0) {
    const list = check.downgrades.map((d) => `${d.name} ${d.from} -> ${d.to}`).join(', ');
    refuse(`An image revision that downgrades ${list}`, { downgrades: check.downgrades });
  }
}

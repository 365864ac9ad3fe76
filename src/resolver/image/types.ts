import type { PackageSource } from '../../index/types.js';
import type { MarkerPlatform, PinnedPackage } from '../../python/index.js';
import type { PrereleaseMode } from '../python-provider/index.js';
import type { IgnoredRequirement } from './environment.js';

/** Where and for what an image is resolved: the package source and the target interpreter. */
export interface ImageTarget {
  readonly source: PackageSource;
  readonly python: string;
  readonly platform?: MarkerPlatform;
  readonly prerelease?: PrereleaseMode;
  readonly onWarning?: (message: string) => void;
}

export interface ResolveResult {
  readonly satisfiable: boolean;
  /** Normalized name -> version, sorted by name; empty when unsatisfiable. */
  readonly packages: Record<string, string>;
  readonly explanation: string | null;
  /** PEP 592: yanked releases used because they were pinned exactly, always flagged. */
  readonly yanked: readonly YankedPin[];
  /** Requirements whose marker is false for the image's environment: left out, as pip does. */
  readonly ignored: readonly IgnoredRequirement[];
}

export interface YankedPin {
  readonly package: string;
  readonly version: string;
  readonly reason: string | null;
}

export interface ImageViolation {
  readonly package: string;
  readonly version: string;
  /** The requirement as written, e.g. `dbt-core>=1.11.6` or `python>=3.12`. */
  readonly requires: string;
  /** The version the image holds, or null when the package is not in the image. */
  readonly found: string | null;
}

export interface UnavailablePin {
  readonly package: string;
  readonly version: string;
  readonly reason: string;
}

export interface ImageCheck {
  /** Every pin is installable and every dependency of every pin is met by the pins. */
  readonly consistent: boolean;
  readonly violations: readonly ImageViolation[];
  readonly yanked: readonly YankedPin[];
  readonly unavailable: readonly UnavailablePin[];
  /** Pins whose marker is false for the image's environment: not part of this image. */
  readonly ignored: readonly IgnoredRequirement[];
}

export interface ImageChange {
  readonly name: string;
  readonly from: string;
  readonly to: string;
  /** True for the package the request names; false for a co-change the dependency review added. */
  readonly requested: boolean;
}

/** Availability of one requested target (policy: "confirms target version availability"). */
export interface TargetAvailability {
  readonly package: string;
  readonly requested: string;
  /** Versions that match the request and can be installed on the image's Python. */
  readonly usable: readonly string[];
  /** Versions that match the request but cannot be used, each with the reason. */
  readonly unusable: readonly { readonly version: string; readonly reason: string }[];
  readonly available: boolean;
}

export interface ImagePlan {
  readonly feasible: boolean;
  readonly changes: readonly ImageChange[];
  readonly added: readonly { readonly name: string; readonly version: string }[];
  /** What breaks if only the requested packages move: the conflicts the review must show. */
  readonly conflictsIfAlone: readonly ImageViolation[];
  readonly explanation: string;
  readonly availability: readonly TargetAvailability[];
  /** The whole image after the change (empty when infeasible). */
  readonly packages: Record<string, string>;
  /** Requests, pins and keep entries whose marker is false for the image: left out, as pip does. */
  readonly ignored: readonly IgnoredRequirement[];
}

export interface PlanImageChangeInput extends ImageTarget {
  readonly pins: readonly PinnedPackage[];
  /** PEP 508 requirement strings: `dbt-core==1.10.*`. */
  readonly requests: readonly string[];
  /** Packages that must not move (a rollback pin holds them). */
  readonly keep?: readonly string[];
}

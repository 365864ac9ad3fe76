import type { MarkerPlatform } from '../../python/index.js';
import type { PackageSource } from '../../index/types.js';

/**
 * When pre-releases are candidates (the `--prerelease` flag):
 * - `if-necessary` (default, pip 23.2.1's rule): a requirement admits a pre-release only when its
 *   specifier names one (`>=2.0.0b1`), or when it has no specifier and the package has nothing but
 *   pre-releases; a user's own request that names a pre-release opens the package everywhere.
 * - `allow`: every requirement admits the pre-releases its specifier matches (pip `--pre`).
 * - `disallow`: pre-releases are never candidates, unless pinned exactly at the top level.
 */
export type PrereleaseMode = 'if-necessary' | 'allow' | 'disallow';

export interface PythonProviderOptions {
  readonly source: PackageSource;
  /** The target interpreter, `3.11` or `3.11.7`: markers and Requires-Python are judged for it. */
  readonly python: string;
  readonly platform?: MarkerPlatform;
  readonly prerelease?: PrereleaseMode;
  /**
   * Top-level exact pins (`name==version`). PEP 592: a yanked release is a candidate only when
   * pinned exactly, so these are the only yanked versions the solver may see.
   */
  readonly exactPins?: ReadonlyMap<string, string>;
  /** Packages whose top-level request names a pre-release (`b>=2.0.0b1`): opened for every requirement. */
  readonly prereleaseOpened?: ReadonlySet<string>;
  /** Leniencies and skipped requirements (URL requirements, unknown extras), one sentence each. */
  readonly onWarning?: (message: string) => void;
}

/** What the provider learned about a release that is worth telling the user. */
export interface ReleaseNotice {
  readonly name: string;
  readonly version: string;
  readonly yanked: false | { readonly reason: string | null };
}

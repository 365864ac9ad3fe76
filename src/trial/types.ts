/** One pinned distribution of an environment; `hashes` (`sha256:<hex>`) when the image records them. */
export interface TrialPin {
  readonly name: string;
  readonly version: string;
  readonly hashes?: readonly string[];
}

/** Where an environment's packages come from: the instance's package source, nothing else. */
export type PackageSourceRef =
  { readonly kind: 'find-links'; readonly path: string } | { readonly kind: 'index'; readonly url: string };

export interface EnvironmentSpec {
  /** The interpreter version the image runs ("3.11"). */
  readonly python: string;
  readonly pins: readonly TrialPin[];
  readonly source: PackageSourceRef;
}

export interface BuiltEnvironment {
  readonly path: string;
  readonly lockHash: string;
  /** true when an environment with the same lock hash was already there. */
  readonly reused: boolean;
  /** `uv pip check` (or `pip check`): ok, and what it printed when not. */
  readonly check: { readonly ok: boolean; readonly output: string };
}

/** A deprecation dbt reported in its structured log (event name, D0xx code, message). */
export interface DbtDeprecation {
  readonly name: string;
  readonly code: string;
  readonly message: string;
}

/** One project run in one environment. */
export interface ProjectRun {
  readonly ok: boolean;
  /** The exact error dbt reported (or why dbt could not be run); null when ok. */
  readonly error: string | null;
  readonly deprecations: readonly DbtDeprecation[];
  /** The dbt commands that ran, in order (`parse`, `compile`). */
  readonly commands: readonly string[];
  /** The last lines of dbt's log, for the decision page. */
  readonly log: readonly string[];
}

export type TrialVerdict = 'breaks' | 'fixes' | 'unaffected' | 'still-broken';

/**
 * Where the checked-out commit came from: the project's run evidence, the branch head because it
 * never ran, or the branch head because the repository no longer has the commit it last ran
 * (force-push, shallow mirror).
 */
export type CommitSource = 'evidence' | 'branch-head' | 'branch-head-fallback';

export interface ProjectTrialResult {
  readonly name: string;
  readonly owners: readonly string[];
  /** The commit the project was checked out at; null when the checkout failed. */
  readonly commit: string | null;
  /** Where `commit` came from; absent when the checkout failed. */
  readonly commitSource?: CommitSource;
  /** Why the branch head was used instead of the commit the project last ran; null otherwise. */
  readonly commitNote?: string | null;
  readonly current: { readonly ok: boolean; readonly error: string | null };
  readonly candidate: {
    readonly ok: boolean;
    readonly error: string | null;
    readonly deprecations: readonly DbtDeprecation[];
  };
  readonly verdict: TrialVerdict;
}

/** A registered project as the trial needs it (credential already opened). */
export interface TrialProject {
  readonly name: string;
  readonly repoUrl: string;
  /** The dbt project's folder inside the repository ("" for the root). */
  readonly path: string;
  readonly owners: readonly string[];
  /** The commit to check out (the one it last ran); null: the default branch head. */
  readonly commit: string | null;
  /** A read-only credential for https repositories (sent as an HTTP header, never in argv). */
  readonly credential: string | null;
}

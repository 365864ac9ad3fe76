/**
 * The resolver's view of the world. PubGrub here works on *known candidates*: a package's version
 * set is a subset of the versions the provider lists (ARCHITECTURE.md "Stack and why"), so no
 * range algebra is needed. Everything Python-specific (PEP 440 ordering, markers, extras as virtual
 * packages, Requires-Python, yanked and pre-release policy) lives in the provider, not the solver.
 */

/** One dependency edge: `package` must take a version that `allows` accepts. */
export interface Dependency {
  /** Package identity in the solver: a normalized name, or `name[extra]` for an extra. */
  readonly package: string;
  /** The constraint as written, for explanations: `>=1.11.6,<2.0`. Empty string means any version. */
  readonly constraint: string;
  /** Does a candidate version (as listed by `versions`) satisfy the constraint? */
  allows(version: string): boolean;
}

/** Index-backed providers fetch lazily over HTTP; in-memory ones answer at once. The solver awaits both. */
export type MaybePromise<T> = T | Promise<T>;

export interface DependencyProvider {
  /**
   * The usable candidate versions of a package, ascending by PEP 440 order. An unknown package
   * yields an empty list (the solver then explains "no versions of X are available").
   */
  versions(pkg: string): MaybePromise<readonly string[]>;
  /** The dependencies of one candidate (markers already evaluated for the target environment). */
  dependencies(pkg: string, version: string): MaybePromise<readonly Dependency[]>;
}

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
  /**
   * Optional: dependencies on the same package with the same key allow the same versions, so the
   * solver asks `allows` of each candidate once per key instead of once per dependency (thousands
   * of releases repeat the same requirement).
   */
  readonly allowsKey?: object;
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
  /**
   * Is this a virtual package (an extra, the interpreter) rather than something installed? Plans
   * never report a virtual package as added to the image. Default: none is.
   */
  isVirtual?(pkg: string): boolean;
}

/** Why a top-level requirement exists; explanations phrase each origin differently. */
export type RequirementOrigin =
  /** Asked for by the user: "the request requires dbt-core==1.10.*". */
  | 'request'
  /** A pin the image keeps: "the image pins dbt-snowflake 1.11.6". */
  | 'pin'
  /** The package must stay in the image, at some version: "the image keeps dbt-snowflake". */
  | 'present';

/** A top-level requirement: a dependency of the (virtual) root, with how to name it in explanations. */
export interface RootDependency extends Dependency {
  readonly origin?: RequirementOrigin;
  /** Who requires it, as the subject of a sentence; default "the image". */
  readonly source?: string;
}

/**
 * Order in which a package's candidates are tried: by name, or a function returning candidate
 * indices (into the ascending `versions` list) most-preferred first. Indices left out are never tried.
 */
export type CandidateOrder =
  'newest-first' | 'oldest-first' | ((pkg: string, versions: readonly string[]) => readonly number[]);

/** Which undecided package to decide next. pub picks the one with the fewest remaining candidates. */
export type DecisionOrder = 'fewest-candidates' | 'alphabetical';

export interface SolveOptions {
  /** Versions to try first (the image's current pins): kept unless they cannot be. */
  readonly preferences?: ReadonlyMap<string, string>;
  readonly decisionOrder?: DecisionOrder;
  readonly candidateOrder?: CandidateOrder;
}

/** One line of a failure explanation; `number` is set when a later line refers back to it. */
export interface ExplanationLine {
  readonly text: string;
  readonly number?: number;
}

export interface Explanation {
  /** Lines in reading order; an empty `text` separates two chains of reasoning, as pub does. */
  readonly lines: readonly ExplanationLine[];
  /** The lines joined for display, numbered lines prefixed with `(n)`. */
  readonly text: string;
}

export interface SolutionFound {
  readonly ok: true;
  /** Chosen version per package, sorted by package name. */
  readonly packages: ReadonlyMap<string, string>;
}

export interface SolutionFailed {
  readonly ok: false;
  readonly explanation: Explanation;
  /**
   * The top-level requirements the proof of failure uses: an unsatisfiable core. Dropping or
   * relaxing any requirement outside it cannot make the problem solvable.
   */
  readonly core: readonly RootDependency[];
}

export type Solution = SolutionFound | SolutionFailed;

/** A dependency of a pinned package that the pins do not satisfy. */
export interface Violation {
  readonly package: string;
  readonly version: string;
  /** The package depended upon. */
  readonly dependency: string;
  /** The requirement as written: `dbt-core>=1.11.6`. */
  readonly requires: string;
  /** The version the pins hold, or null when the package is not pinned at all. */
  readonly found: string | null;
}

export interface Consistency {
  readonly consistent: boolean;
  readonly violations: readonly Violation[];
}

export interface PlanInput {
  /** The current image: package → pinned version. Pins are never dropped. */
  readonly pins: ReadonlyMap<string, string>;
  /** What the user asks for, e.g. dbt-core==1.10.*; requested packages may move freely. */
  readonly requests: readonly Dependency[];
  /** Pins that must not move at all (frozen by a rollback pin, say). */
  readonly keep?: Iterable<string>;
}

export interface PinChange {
  readonly name: string;
  readonly from: string;
  readonly to: string;
  /** True for a package the request names; false for a co-change the plan had to add. */
  readonly requested: boolean;
}

export interface AddedPackage {
  readonly name: string;
  readonly version: string;
}

export interface Plan {
  readonly feasible: boolean;
  /** Pins whose version moves, requested ones included, sorted by name. */
  readonly changes: readonly PinChange[];
  /** Packages that enter the image (new dependencies, or requested packages not pinned before). */
  readonly added: readonly AddedPackage[];
  /** What breaks if only the requested packages move, against the current pins. */
  readonly conflictsIfAlone: readonly Violation[];
  /** Plain-language account: why co-changes are needed, or why nothing works. */
  readonly explanation: string;
  /** The PubGrub derivation behind `explanation`, when there is one. */
  readonly derivation?: Explanation;
  /** The resulting image (all packages), empty when infeasible. */
  readonly packages: ReadonlyMap<string, string>;
  /** Objective part 1: non-requested pins whose version changes. */
  readonly changedPins: number;
  /** Objective part 2: total places moved in the candidate lists (requested packages included). */
  readonly distance: number;
}

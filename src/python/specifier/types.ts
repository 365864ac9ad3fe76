/** PEP 440 "Version specifiers" comparison operators. */
export type SpecifierOperator = '~=' | '==' | '!=' | '<=' | '>=' | '<' | '>' | '===';

/** One clause of a specifier set, e.g. `>=1.10` or `==1.10.*`. */
export interface Specifier {
  readonly operator: SpecifierOperator;
  /** The version as written (trimmed), without the `.*` suffix. */
  readonly version: string;
  /** `==X.*` / `!=X.*` prefix matching (PEP 440 "Version matching"). */
  readonly wildcard: boolean;
  /** Canonical clause text: operator, version, and `.*` when a prefix match. */
  readonly text: string;
}

export interface PrereleaseOptions {
  /**
   * Force the pre-release policy: `true` admits pre-releases, `false` refuses them. Left out, the
   * set decides (it admits them when one of its inclusive clauses names a pre-release).
   */
  readonly prereleases?: boolean;
}

/** A comma-separated PEP 440 specifier set; '' admits any (final) version. */
export interface SpecifierSet {
  /** Canonical text: the clauses as written, without spaces, joined by ','. */
  readonly text: string;
  readonly specifiers: readonly Specifier[];
  /** The set's own pre-release policy: explicit, derived from its clauses, or null when it has none. */
  readonly prereleases: boolean | null;
  contains(version: string, options?: PrereleaseOptions): boolean;
  /** Keeps the matching versions in input order (pip 23.2.1's `SpecifierSet.filter`). */
  filter(versions: readonly string[], options?: PrereleaseOptions): string[];
  /** True when some version (pre-releases included) satisfies every clause. */
  isSatisfiable(): boolean;
  /** A version satisfying every clause, pre-releases included, or null when none exists. */
  witness(): string | null;
}

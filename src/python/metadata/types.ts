/**
 * The fields of a distribution's core metadata (packaging.python.org "Core metadata
 * specifications", METADATA / PKG-INFO) that dependency resolution needs.
 */
export interface CoreMetadata {
  /** The project name as written in the metadata; compare with `normalizeName` (PEP 503). */
  readonly name: string;
  /** The version as written (a valid PEP 440 version); compare with `compareVersions`. */
  readonly version: string;
  /** The Requires-Python specifier text, or null when the distribution does not declare one. */
  readonly requiresPython: string | null;
  /** Requires-Dist values (PEP 508 requirement strings, markers included), in file order. */
  readonly requiresDist: readonly string[];
  /** Provides-Extra names, normalized (PEP 685) and de-duplicated. */
  readonly providesExtra: readonly string[];
  readonly summary?: string;
}

/** The parse result: metadata plus one sentence per leniency applied to sloppy input. */
export interface ParsedCoreMetadata {
  readonly metadata: CoreMetadata;
  readonly warnings: string[];
}

/** PEP 440 pre-release phases after normalization (`alpha` -> `a`, `c`/`pre`/`preview` -> `rc`). */
export type PreReleasePhase = 'a' | 'b' | 'rc';

export interface PreRelease {
  readonly phase: PreReleasePhase;
  readonly number: number;
}

/** A local version label segment: numeric segments compare as numbers, others as lowercase strings. */
export type LocalSegment = number | string;

/** A parsed PEP 440 version. `text` is the normalized form (PEP 440 "Normalization"). */
export interface Version {
  readonly text: string;
  readonly epoch: number;
  readonly release: readonly number[];
  readonly pre: PreRelease | null;
  readonly post: number | null;
  readonly dev: number | null;
  readonly local: readonly LocalSegment[] | null;
  /** The version without its local label (PEP 440 "Local version identifiers"). */
  readonly public: string;
  /** Pre-release or developmental release (PEP 440 "Handling of pre-releases"). */
  readonly isPrerelease: boolean;
  readonly isPostrelease: boolean;
  readonly isDevrelease: boolean;
}

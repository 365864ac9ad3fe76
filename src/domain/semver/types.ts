/** A parsed SemVer 2.0.0 version (semver.org). */
export interface Semver {
  major: number;
  minor: number;
  patch: number;
  /** Dot-separated pre-release identifiers; empty for a release. */
  prerelease: string[];
  /** Build metadata: ignored when comparing (SemVer §10). */
  build: string[];
}

/** One exactly pinned package of an image. */
export interface PinnedPackage {
  name: string;
  version: string;
  /** Known file hashes as `algorithm:hex`, e.g. 'sha256:0a1b...' (pip's `--hash` form). */
  hashes?: string[];
  /** The simple-API index the package comes from (PEP 503/691 URL). */
  index?: string;
  requiresPython?: string | null;
  wheel?: { url: string; filename: string; sha256?: string };
  /**
   * Every known file of the release with its sha256 (an image revision records them from the
   * package source): each becomes a `--hash` in requirements.txt and a PEP 751 `wheels`/`sdist`
   * entry. A `file:` URL is written as a PEP 751 `path`.
   */
  files?: readonly LockFile[];
  /** PEP 508 marker limiting where the pin applies, e.g. `sys_platform == "win32"`. */
  marker?: string | null;
}

export interface LockFile {
  readonly filename: string;
  readonly url: string;
  /** Hex digest. */
  readonly sha256: string;
  readonly size?: number;
  readonly kind: 'wheel' | 'sdist';
}

export interface RequirementsTxtOptions {
  /** Comment lines written first, each prefixed with '# '. */
  header?: string;
}

export interface PylockOptions {
  /** PEP 751 `requires-python` of the whole lock. */
  requiresPython?: string;
  /** PEP 751 `created-by`: the tool that wrote the lock. Defaults to 'ratchet'. */
  createdBy?: string;
  /** Default index URL for pins that do not name one. */
  index?: string;
}

export interface ParsedRequirementsTxt {
  pins: PinnedPackage[];
  /** Lines understood but not represented in the pins (includes, options, extras), by line number. */
  warnings: string[];
}

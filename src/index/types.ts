import type { CoreMetadata } from '../python/metadata/index.js';

/** One distribution file of a release, as an index (or a find-links folder) lists it. */
export interface ReleaseFile {
  readonly filename: string;
  /** Absolute URL (`https:` for an index, `file:` for a find-links folder), without fragment. */
  readonly url: string;
  /** Hash name -> hex digest (PEP 503 URL fragment, PEP 691 `hashes`). Empty when unknown. */
  readonly hashes: Readonly<Record<string, string>>;
  /** PEP 503 `data-requires-python` / PEP 691 `requires-python`: what the index says, if anything. */
  readonly requiresPython: string | null;
  /** PEP 592: a yanked file is used only when pinned exactly; the reason is shown to the user. */
  readonly yanked: false | { readonly reason: string | null };
  /** The file's size in bytes: PEP 700 `size` from an index, the file's own size in a folder. */
  readonly size?: number;
  /** PEP 700 `upload-time` (ISO 8601), when the index gives it. */
  readonly uploadTime?: string;
  /** PEP 658/714: the URL of the file's METADATA, served on its own. */
  readonly metadataUrl?: string;
  /** PEP 658: hashes of that metadata file (empty when the index only says it exists). */
  readonly metadataHashes?: Readonly<Record<string, string>>;
  readonly kind: 'wheel' | 'sdist';
}

/** The releases of one project. */
export interface ProjectReleases {
  /** PEP 503 normalized name. */
  readonly name: string;
  /**
   * Version as listed -> its files, ascending by PEP 440 order. Keys come from PEP 700 `versions`
   * when the index gives them (a version may then have no files), else from the filenames.
   */
  readonly versions: ReadonlyMap<string, readonly ReleaseFile[]>;
}

/** Where releases and their metadata come from: an index, a find-links folder, or several of them. */
export interface PackageSource {
  /** For messages: `https://pypi.org/simple/`, `find-links /srv/wheels`. */
  readonly description: string;
  /** The project's releases, or `null` when this source does not know the project. */
  listReleases(name: string): Promise<ProjectReleases | null>;
  /**
   * The core metadata of one release. Throws `NotFoundError` when the release is not listed or only
   * has sdists (their metadata would need a build), `InputError` when the metadata is unusable.
   */
  fetchMetadata(name: string, version: string): Promise<CoreMetadata>;
}

/** What a source reports while it works, so a CLI can draw progress (see `renderProgressBar`). */
export interface FetchProgress {
  readonly source: string;
  readonly kind: 'releases' | 'metadata';
  readonly project: string;
  readonly version?: string;
  /** `cached` = answered from the metadata cache without a request. */
  readonly status: 'start' | 'done' | 'cached' | 'error';
  /** Fetches finished so far by this source, and fetches started so far (the running total). */
  readonly done: number;
  readonly total: number;
}

/** Options every source understands. */
export interface SourceObservers {
  readonly onProgress?: (event: FetchProgress) => void;
  /** Leniencies applied to sloppy metadata (see `parseCoreMetadata`), one sentence each. */
  readonly onWarning?: (message: string) => void;
}

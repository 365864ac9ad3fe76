import { normalizeName } from '../python/names/index.js';
import { findListedVersion } from './releases.js';
import type { PackageSource } from './types.js';

/** One distribution file of a pinned release, as an image revision records it. */
export interface DistributionFile {
  readonly filename: string;
  /** Where the file was found: `https:` from an index, `file:` in a find-links folder. */
  readonly url: string;
  /** Hex sha256 digest: PEP 691 `hashes` / PEP 503 `#sha256=` fragment, or the folder file hashed. */
  readonly sha256: string;
  /** Bytes, when the source states it (PEP 700 `size`; a folder's own files always). */
  readonly size?: number;
  readonly kind: 'wheel' | 'sdist';
}

/**
 * The files of `name==version` that the source lists with a sha256, sorted by filename. Every file
 * of the release is kept: an installer picks the one its platform takes (pip accepts any listed
 * hash; PEP 751 lists every wheel). A file without a sha256 (an index that gives none, or only
 * md5) is left out: a lock could not vouch for it.
 */
export async function distributionFilesOf(
  source: PackageSource,
  name: string,
  version: string,
): Promise<DistributionFile[]> {
  const releases = await source.listReleases(normalizeName(name));
  if (releases === null) return [];
  const listed = findListedVersion(releases, version);
  if (listed === null) return [];
  const files: DistributionFile[] = [];
  for (const file of releases.versions.get(listed) ?? []) {
    const sha256 = file.hashes['sha256']?.toLowerCase();
    if (sha256 === undefined || !/^[0-9a-f]{64}$/.test(sha256)) continue;
    files.push({
      filename: file.filename,
      url: file.url,
      sha256,
      ...(file.size === undefined ? {} : { size: file.size }),
      kind: file.kind,
    });
  }
  return files.sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0));
}

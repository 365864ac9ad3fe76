import { normalizeName } from '../python/names/index.js';
import { compareParsed, tryParseVersion } from '../python/version/index.js';
import type { Version } from '../python/version/index.js';
import { parseDistributionFilename } from './filenames.js';
import type { ProjectReleases, ReleaseFile } from './types.js';

// Remembered per spelling: a listing of thousands of files asks for the same few hundred versions.
const versionKeys = new Map<string, string>();

// PEP 440 "Release segment": trailing zeros do not count, so `1.0` and `1.0.0` are one release.
function versionKey(version: string, known?: Version): string {
  const remembered = versionKeys.get(version);
  if (remembered !== undefined) return remembered;
  const parsed = known ?? tryParseVersion(version)!;
  const release = [...parsed.release];
  while (release.length > 1 && release[release.length - 1] === 0) release.pop();
  const key = JSON.stringify([parsed.epoch, release, parsed.pre, parsed.post, parsed.dev, parsed.local]);
  // Bounded: a long-lived server sees many versions; starting over costs only recomputation.
  if (versionKeys.size >= 100_000) versionKeys.clear();
  versionKeys.set(version, key);
  return key;
}

/** A file with the version its name gives, for a source that has parsed its names already. */
export interface VersionedFile {
  readonly version: string;
  readonly file: ReleaseFile;
}

interface Release {
  readonly version: string;
  readonly parsed: Version;
  readonly files: ReleaseFile[];
}

/**
 * Groups files whose versions are known by release, as `groupReleases` does once it has read the
 * versions from the filenames. A find-links folder reads each name once, while it scans.
 */
export function groupVersionedFiles(
  name: string,
  files: Iterable<VersionedFile>,
  listedVersions?: readonly string[],
): ProjectReleases {
  const byKey = new Map<string, Release>();
  function slot(version: string): Release | null {
    const parsed = tryParseVersion(version);
    if (!parsed) return null;
    const key = versionKey(version, parsed);
    const existing = byKey.get(key);
    if (existing) return existing;
    const created = { version, parsed, files: [] as ReleaseFile[] };
    byKey.set(key, created);
    return created;
  }
  // PEP 700: `versions` lists every release, including those whose files are all gone.
  for (const version of listedVersions ?? []) slot(version);
  for (const { version, file } of files) slot(version)?.files.push(file);
  // Sorted by the versions parsed above: compareVersions would look each one up again per comparison.
  const sorted = [...byKey.values()].sort((a, b) => compareParsed(a.parsed, b.parsed));
  return { name, versions: new Map(sorted.map((entry) => [entry.version, entry.files])) };
}

/**
 * Groups a project's files by release. Versions that spell the same PEP 440 version differently
 * (`1.0rc1`, `1.0-rc1`) are one release; the first spelling listed names it. Files whose names do
 * not parse, or name another project, are skipped, as pip skips them.
 */
export function groupReleases(
  project: string,
  files: readonly ReleaseFile[],
  listedVersions?: readonly string[],
): ProjectReleases {
  const name = normalizeName(project);
  const versioned: VersionedFile[] = [];
  for (const file of files) {
    const parsed = parseDistributionFilename(file.filename, name);
    if (!parsed || parsed.name !== name) continue;
    versioned.push({ version: parsed.version, file });
  }
  return groupVersionedFiles(name, versioned, listedVersions);
}

/** The listed key of `version` in `releases` (PEP 440 equality, so `1.0` finds `1.0.0`). */
export function findListedVersion(releases: ProjectReleases, version: string): string | null {
  // The listed spelling itself: most lookups name a version as the listing spelled it.
  if (releases.versions.has(version)) return version;
  if (!tryParseVersion(version)) return null;
  const key = versionKey(version);
  for (const listed of releases.versions.keys()) {
    if (versionKey(listed) === key) return listed;
  }
  return null;
}

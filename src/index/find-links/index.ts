import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

import { InputError } from '../../domain/errors/index.js';
import type { CoreMetadata } from '../../python/metadata/index.js';
import { normalizeName } from '../../python/names/index.js';
import { parseSdistFilename, wheelFilenameVersion } from '../filenames.js';
import { chooseMetadataFile, noWheel, notListed, parseReleaseMetadata } from '../release-metadata.js';
import { findListedVersion, groupVersionedFiles } from '../releases.js';
import type { VersionedFile } from '../releases.js';
import type { PackageSource, ProjectReleases, ReleaseFile, SourceObservers } from '../types.js';
import { readWheelFileMetadata } from '../wheel-metadata.js';
import { openWheelMetadataCache } from './metadata-cache.js';
import type { WheelIdentity } from './metadata-cache.js';
import { metadataHeader } from '../metadata-header.js';

/** A folder's names by project, read once; each project's names are parsed when it is listed. */
interface FolderScan {
  /** PEP 503 normalized project -> names of its wheels and sdists, in readdir order. */
  readonly byProject: ReadonlyMap<string, string[]>;
  /** `<wheel>.metadata` sidecars (PEP 658 layout). */
  readonly sidecars: ReadonlySet<string>;
}

/**
 * Files by project, from their names alone. A wheel's project is the text before its first '-'
 * (binary distribution format), normalized once per spelling; whether the rest of its name parses
 * is checked when its project is listed, as is the order of its files (sorted per project, which
 * orders them as sorting the whole folder would). A resolve lists a few hundred projects of a
 * folder of thousands of files, and listing (scan and grouping) was a fifth of a warm resolve
 * (issue 15).
 */
async function scanFolder(dir: string): Promise<FolderScan> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new InputError(`Cannot read the find-links folder ${dir}: ${(error as Error).message}`, {
      remedy: 'Pass an existing folder of wheels to --find-links.',
      extra: { dir },
    });
  }
  const byProject = new Map<string, string[]>();
  const sidecars = new Set<string>();
  const projectOfSpelling = new Map<string, string>();
  for (const filename of names) {
    let project: string | undefined;
    if (filename.endsWith('.whl')) {
      const dash = filename.indexOf('-');
      // No name before a '-': not a wheel name at all (parseWheelFilename agrees).
      if (dash <= 0) continue;
      const spelling = filename.slice(0, dash);
      project = projectOfSpelling.get(spelling);
      if (project === undefined) {
        project = normalizeName(spelling);
        projectOfSpelling.set(spelling, project);
      }
    } else if (filename.endsWith('.whl.metadata')) {
      sidecars.add(filename);
      continue;
    } else {
      // Sdists are few, and their names need the project to split (parseSdistFilename).
      project = parseSdistFilename(filename)?.name;
      if (project === undefined) continue;
    }
    const files = byProject.get(project);
    if (files) files.push(filename);
    else byProject.set(project, [filename]);
  }
  return { byProject, sidecars };
}

/**
 * One file of the folder. Its sha256 is computed the first time someone reads it: resolving reads
 * no hash, and hashing every file of every listed project was most of a cold resolve on a large
 * folder (each wheel read whole: 12,000 files in the resolver benchmark, 185 MiB in the real
 * stack). Its URL and size are looked up when read too: a listing of thousands of files needs few.
 * A class, so that those getters live once on its prototype: per-file closures made listing a
 * folder of 12,000 files allocate enough to set off a full garbage collection.
 */
class FolderFile implements ReleaseFile {
  readonly requiresPython = null;
  readonly yanked = false;
  // Declared only: a wheel without a sidecar has no such property at all, as in an index listing.
  declare readonly metadataUrl?: string;
  #hashes: Readonly<Record<string, string>> | undefined;

  constructor(
    private readonly root: string,
    readonly filename: string,
    readonly kind: 'wheel' | 'sdist',
    sidecar: boolean,
  ) {
    if (sidecar) this.metadataUrl = pathToFileURL(join(root, `${filename}.metadata`)).href;
  }

  get url(): string {
    return pathToFileURL(join(this.root, this.filename)).href;
  }

  get hashes(): Readonly<Record<string, string>> {
    return (this.#hashes ??= {
      sha256: createHash('sha256')
        .update(readFileSync(join(this.root, this.filename)))
        .digest('hex'),
    });
  }

  // A folder has no index to state sizes: the file system does, without reading the file.
  get size(): number {
    return statSync(join(this.root, this.filename)).size;
  }
}

function wheelIdentity(path: string): WheelIdentity | null {
  const info = statSync(path, { throwIfNoEntry: false });
  return info === undefined ? null : { size: info.size, mtimeMs: info.mtimeMs };
}

/**
 * A find-links folder (pip `--find-links DIR`): wheels and sdists side by side, named by the
 * binary and source distribution formats. Metadata comes from a `<wheel>.metadata` sidecar (the
 * PEP 658 layout) when present, else from the wheel's `*.dist-info/METADATA`. The folder is read
 * once, on first use: a resolution sees one consistent listing. With `cacheDir`, wheels' METADATA
 * is remembered there across processes (metadata-cache.ts).
 *
 * @example const source = openFindLinks('/srv/wheels'); await source.listReleases('dbt-core');
 */
export function openFindLinks(
  dir: string,
  observers: SourceObservers & { readonly cacheDir?: string } = {},
): PackageSource {
  const root = resolve(dir);
  let scanned: FolderScan | null = null;
  const cache =
    observers.cacheDir === undefined
      ? null
      : openWheelMetadataCache(observers.cacheDir, root, {
          // Flushed after the scan (a wheel is read once listed), so the folder's names are known.
          isListed: (filename) =>
            scanned === null ||
            (scanned.byProject.get(normalizeName(filename.slice(0, filename.indexOf('-')))) ?? []).includes(
              filename,
            ),
        });
  const description = `find-links ${root}`;
  let scan: Promise<FolderScan> | null = null;
  const listings = new Map<string, Promise<ProjectReleases | null>>();
  const metadata = new Map<string, Promise<CoreMetadata>>();

  async function list(project: string): Promise<ProjectReleases | null> {
    scan ??= (async () => {
      const info = await stat(root).catch(() => null);
      if (!info?.isDirectory()) {
        throw new InputError(`The find-links folder ${root} does not exist`, {
          remedy: 'Pass an existing folder of wheels to --find-links.',
          extra: { dir: root },
        });
      }
      return (scanned = await scanFolder(root));
    })();
    const { byProject, sidecars } = await scan;
    const names = byProject.get(project);
    if (!names) return null;
    const files: VersionedFile[] = [];
    let distributions = 0;
    // Sorted by name, as pip lists a folder: the order decides which wheel metadata is read from.
    for (const filename of names.sort()) {
      if (filename.endsWith('.whl')) {
        const version = wheelFilenameVersion(filename);
        if (version === null) continue;
        distributions++;
        // Most folders have no sidecars: no name to build and look up for each wheel then.
        const sidecar = sidecars.size > 0 && sidecars.has(`${filename}.metadata`);
        files.push({ version, file: new FolderFile(root, filename, 'wheel', sidecar) });
        continue;
      }
      distributions++;
      // With the project known, its name is matched as a prefix (pip's _find_name_version_sep).
      const parsed = parseSdistFilename(filename, project);
      if (!parsed || parsed.name !== project) continue;
      files.push({ version: parsed.version, file: new FolderFile(root, filename, 'sdist', false) });
    }
    // Only names that are not distributions at all: the folder does not have the project.
    if (distributions === 0) return null;
    return groupVersionedFiles(project, files);
  }

  /** The listing of a project, by its normalized name: asked for once per project. */
  function listing(project: string): Promise<ProjectReleases | null> {
    let pending = listings.get(project);
    if (!pending) {
      pending = list(project);
      listings.set(project, pending);
    }
    return pending;
  }

  function listReleases(name: string): Promise<ProjectReleases | null> {
    return listing(normalizeName(name));
  }

  // `root` is resolved, so joining is concatenating: path.join normalized 1,531 paths a resolve.
  const prefix = root.endsWith(sep) ? root : `${root}${sep}`;

  async function readMetadata(project: string, version: string): Promise<CoreMetadata> {
    const releases = await listing(project);
    const listed = releases ? findListedVersion(releases, version) : null;
    if (!releases || listed === null) throw notListed(description, project, version);
    const file = chooseMetadataFile(releases.versions.get(listed) ?? []);
    if (!file) throw noWheel(description, project, version);
    const wheelPath = `${prefix}${file.filename}`;
    // Synchronous reads: local files, and thread-pool round trips cost more than the reads.
    let header: string | null;
    if (file.metadataUrl !== undefined) {
      header = metadataHeader(readFileSync(`${wheelPath}.metadata`, 'utf8'));
    } else {
      // A wheel the cache knows by name is identified (stat) to check its entry; one it does not
      // know is read at once, and cached under the size and mtime of the file it was read from.
      const identity = cache?.knows(file.filename) === true ? wheelIdentity(wheelPath) : null;
      header = identity === null ? null : (cache?.get(file.filename, identity) ?? null);
      if (header === null) {
        const read = await readWheelFileMetadata(wheelPath, project);
        header = read.header;
        cache?.set(file.filename, { size: read.size, mtimeMs: read.mtimeMs }, header);
      }
    }
    return parseReleaseMetadata(header, { project, version: listed, label: wheelPath }, observers.onWarning);
  }

  function fetchMetadata(name: string, version: string): Promise<CoreMetadata> {
    const project = normalizeName(name);
    const key = `${project}\n${version}`;
    let pending = metadata.get(key);
    if (!pending) {
      pending = readMetadata(project, version);
      metadata.set(key, pending);
    }
    return pending;
  }

  return { description, listReleases, fetchMetadata };
}

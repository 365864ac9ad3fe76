import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { InputError } from '../../domain/errors/index.js';
import type { CoreMetadata } from '../../python/metadata/index.js';
import { normalizeName } from '../../python/names/index.js';
import { parseDistributionFilename } from '../filenames.js';
import { chooseMetadataFile, noWheel, notListed, parseReleaseMetadata } from '../release-metadata.js';
import { findListedVersion, groupReleases } from '../releases.js';
import type { PackageSource, ProjectReleases, ReleaseFile, SourceObservers } from '../types.js';
import { readWheelMetadata } from '../wheel-metadata.js';
import { openWheelMetadataCache } from './metadata-cache.js';

interface FolderFile {
  readonly filename: string;
  readonly path: string;
  readonly kind: 'wheel' | 'sdist';
  readonly sidecar: string | null;
}

async function scanFolder(dir: string): Promise<Map<string, FolderFile[]>> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new InputError(`Cannot read the find-links folder ${dir}: ${(error as Error).message}`, {
      remedy: 'Pass an existing folder of wheels to --find-links.',
      extra: { dir },
    });
  }
  const present = new Set(names);
  const byProject = new Map<string, FolderFile[]>();
  for (const filename of names.sort()) {
    const parsed = parseDistributionFilename(filename);
    if (!parsed) continue;
    const sidecar =
      parsed.kind === 'wheel' && present.has(`${filename}.metadata`) ? `${filename}.metadata` : null;
    const files = byProject.get(parsed.name) ?? [];
    files.push({
      filename,
      path: join(dir, filename),
      kind: parsed.kind,
      sidecar: sidecar === null ? null : join(dir, sidecar),
    });
    byProject.set(parsed.name, files);
  }
  return byProject;
}

/**
 * The file's sha256, computed the first time someone reads it. Resolving reads no hash, and
 * hashing every file of every listed project was most of a cold resolve on a large folder (each
 * wheel read whole: 12,000 files in the resolver benchmark, 185 MiB in the real stack).
 */
function lazySha256(path: string): () => Readonly<Record<string, string>> {
  let hashes: Readonly<Record<string, string>> | undefined;
  return () => (hashes ??= { sha256: createHash('sha256').update(readFileSync(path)).digest('hex') });
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
  const cache = observers.cacheDir === undefined ? null : openWheelMetadataCache(observers.cacheDir, root);
  const description = `find-links ${root}`;
  let scan: Promise<Map<string, FolderFile[]>> | null = null;
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
      return scanFolder(root);
    })();
    const files = (await scan).get(project);
    if (!files) return null;
    const releaseFiles = files.map((file): ReleaseFile => {
      const hashes = lazySha256(file.path);
      let url: string | undefined;
      return {
        filename: file.filename,
        // Computed when read: a listing of thousands of files needs few of their URLs.
        get url() {
          return (url ??= pathToFileURL(file.path).href);
        },
        get hashes() {
          return hashes();
        },
        // A folder has no index to state sizes: the file system does, without reading the file.
        get size() {
          return statSync(file.path).size;
        },
        requiresPython: null,
        yanked: false,
        kind: file.kind,
        ...(file.sidecar === null ? {} : { metadataUrl: pathToFileURL(file.sidecar).href }),
      };
    });
    return groupReleases(project, releaseFiles);
  }

  function listReleases(name: string): Promise<ProjectReleases | null> {
    const project = normalizeName(name);
    let listing = listings.get(project);
    if (!listing) {
      listing = list(project);
      listings.set(project, listing);
    }
    return listing;
  }

  async function readMetadata(project: string, version: string): Promise<CoreMetadata> {
    const releases = await listReleases(project);
    const listed = releases ? findListedVersion(releases, version) : null;
    if (!releases || listed === null) throw notListed(description, project, version);
    const file = chooseMetadataFile(releases.versions.get(listed) ?? []);
    if (!file) throw noWheel(description, project, version);
    const wheelPath = join(root, file.filename);
    // Synchronous reads: local files, and thread-pool round trips cost more than the reads.
    const text =
      file.metadataUrl !== undefined
        ? readFileSync(`${wheelPath}.metadata`, 'utf8')
        : await wheelMetadata(wheelPath, project);
    return parseReleaseMetadata(text, { project, version: listed, label: wheelPath }, observers.onWarning);
  }

  async function wheelMetadata(wheelPath: string, project: string): Promise<string> {
    const cached = cache?.get(wheelPath);
    if (cached !== undefined && cached !== null) return cached;
    const text = await readWheelMetadata(wheelPath, wheelPath, project);
    cache?.set(wheelPath, text);
    return text;
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

import { InputError, NotFoundError } from '../../domain/errors/index.js';
import type { CoreMetadata } from '../../python/metadata/index.js';
import { normalizeName } from '../../python/names/index.js';
import { findListedVersion, groupReleases } from '../releases.js';
import type { PackageSource, ProjectReleases, ReleaseFile } from '../types.js';

/**
 * Several sources as one, like pip with `--index-url` plus `--extra-index-url`/`--find-links`:
 * a project's releases are the union of every source's files (same filename: the first source's
 * entry wins), and a release's metadata comes from the first source that lists it with a wheel.
 *
 * @example combineSources([openSimpleIndex(url), openFindLinks('./wheels')])
 */
export function combineSources(sources: readonly PackageSource[]): PackageSource {
  if (sources.length === 0) {
    throw new InputError('combineSources needs at least one source', {
      remedy: 'Pass at least one --index-url or --find-links.',
    });
  }
  if (sources.length === 1) return sources[0]!;
  const description = sources.map((source) => source.description).join(' + ');

  async function listReleases(name: string): Promise<ProjectReleases | null> {
    const listings = await Promise.all(sources.map((source) => source.listReleases(name)));
    const known = listings.filter((listing): listing is ProjectReleases => listing !== null);
    if (known.length === 0) return null;
    const seen = new Set<string>();
    const files: ReleaseFile[] = [];
    const versions: string[] = [];
    for (const listing of known) {
      for (const [version, releaseFiles] of listing.versions) {
        versions.push(version);
        for (const file of releaseFiles) {
          if (seen.has(file.filename)) continue;
          seen.add(file.filename);
          files.push(file);
        }
      }
    }
    // Every listed version is kept (PEP 700 may list releases without files); equal versions merge.
    return groupReleases(normalizeName(name), files, versions);
  }

  async function fetchMetadata(name: string, version: string): Promise<CoreMetadata> {
    let lastMiss: NotFoundError | null = null;
    for (const source of sources) {
      const listing = await source.listReleases(name);
      if (!listing || findListedVersion(listing, version) === null) continue;
      try {
        return await source.fetchMetadata(name, version);
      } catch (error) {
        // This source lists the release but has only sdists of it: another may have a wheel.
        if (!(error instanceof NotFoundError)) throw error;
        lastMiss = error;
      }
    }
    throw (
      lastMiss ??
      new NotFoundError(`No source lists ${normalizeName(name)} ${version} (${description})`, {
        remedy: 'Check the name and version, or add the index or folder that has it.',
        extra: { project: normalizeName(name), version },
      })
    );
  }

  return { description, listReleases, fetchMetadata };
}

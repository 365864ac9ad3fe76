import { InputError, NotFoundError } from '../domain/errors/index.js';
import type { CoreMetadata } from '../python/metadata/index.js';
import { parseCoreMetadata } from '../python/metadata/index.js';
import { normalizeName } from '../python/names/index.js';
import { compareVersions } from '../python/version/index.js';
import type { ReleaseFile } from './types.js';

/**
 * The file to read a release's metadata from: one whose METADATA is served on its own (PEP 658)
 * first, then a pure-Python wheel, then any wheel. Sdists are never chosen: their metadata may
 * need a build (PEP 643 makes it static only when Metadata-Version >= 2.2 says so).
 */
export function chooseMetadataFile(files: readonly ReleaseFile[]): ReleaseFile | null {
  const wheels = files.filter((file) => file.kind === 'wheel');
  return (
    wheels.find((file) => file.metadataUrl !== undefined) ??
    wheels.find((file) => file.filename.endsWith('-none-any.whl')) ??
    wheels[0] ??
    null
  );
}

export function noWheel(source: string, project: string, version: string): NotFoundError {
  return new NotFoundError(
    `${source} has no wheel for ${project} ${version}, so its metadata cannot be read`,
    {
      remedy: 'Publish a wheel for this release (Ratchet does not build sdists), or pin another version.',
      extra: { project, version },
    },
  );
}

export function notListed(source: string, project: string, version: string): NotFoundError {
  return new NotFoundError(`${source} does not list ${project} ${version}`, {
    remedy: 'Check the name and version, or add the index or folder that has it.',
    extra: { project, version },
  });
}

/**
 * Parses METADATA fetched for `project` `version` and checks that it describes that release (pip
 * refuses the mismatch as `MetadataInconsistent`).
 */
export function parseReleaseMetadata(
  text: string,
  expected: { project: string; version: string; label: string },
  onWarning?: (message: string) => void,
): CoreMetadata {
  const { metadata, warnings } = parseCoreMetadata(text);
  for (const warning of warnings) onWarning?.(`${expected.label}: ${warning}`);
  // Equal spellings first: they are the rule, and need no normalizing or parsing to compare.
  if (
    metadata.name !== expected.project &&
    normalizeName(metadata.name) !== normalizeName(expected.project)
  ) {
    throw new InputError(
      `${expected.label} is metadata of '${metadata.name}', not of '${expected.project}'`,
      {
        remedy: 'Fix the file name or rebuild the distribution.',
        extra: { file: expected.label },
      },
    );
  }
  if (metadata.version !== expected.version && compareVersions(metadata.version, expected.version) !== 0) {
    throw new InputError(
      `${expected.label} is metadata of version ${metadata.version}, not of ${expected.version}`,
      { remedy: 'Fix the file name or rebuild the distribution.', extra: { file: expected.label } },
    );
  }
  return metadata;
}

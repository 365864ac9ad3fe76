import { normalizeName } from '../python/names/index.js';
import { isValidVersion } from '../python/version/index.js';

export interface DistributionFilename {
  /** PEP 503 normalized project name. */
  readonly name: string;
  /** Version as written in the filename (a valid PEP 440 version). */
  readonly version: string;
  readonly kind: 'wheel' | 'sdist';
}

// Source distribution archive formats pip 23.2 accepts (pip/_internal/utils/filetypes.py).
const SDIST_SUFFIXES = [
  '.tar.gz',
  '.tgz',
  '.tar.bz2',
  '.tbz',
  '.tar.xz',
  '.txz',
  '.tlz',
  '.tar.lz',
  '.tar.lzma',
  '.tar',
  '.zip',
];

/**
 * The version a wheel's name gives, or null when the name does not follow the binary distribution
 * format's convention (see `parseWheelFilename`). Leaves the project name unnormalized: a folder
 * scan learns it from the text before the first '-', once per project.
 */
export function wheelFilenameVersion(filename: string): string | null {
  if (!filename.endsWith('.whl')) return null;
  // The name splits at '-' into 5 or 6 parts (4 or 5 dashes); found with indexOf rather than
  // split, which made scanning a folder of 12,000 wheels allocate 60,000 strings.
  let dashes = 0;
  let first = -1;
  let second = -1;
  for (let at = filename.indexOf('-'); at !== -1; at = filename.indexOf('-', at + 1)) {
    if (dashes === 0) first = at;
    else if (dashes === 1) second = at;
    dashes++;
  }
  if ((dashes !== 4 && dashes !== 5) || first === 0) return null;
  const written = filename.slice(first + 1, second);
  // pip's Wheel model: '_' in the version stands for '-' (escaped by the builder).
  const version = written.includes('_') ? written.replace(/_/g, '-') : written;
  return isValidVersion(version) ? version : null;
}

/**
 * Binary distribution format, "File name convention":
 * `{distribution}-{version}(-{build tag})?-{python tag}-{abi tag}-{platform tag}.whl`. Returns null
 * for names that do not follow it (pip skips those files too).
 */
export function parseWheelFilename(filename: string): DistributionFilename | null {
  const version = wheelFilenameVersion(filename);
  if (version === null) return null;
  return { name: normalizeName(filename.slice(0, filename.indexOf('-'))), version, kind: 'wheel' };
}

/**
 * Source distribution format: `{name}-{version}.tar.gz` (older uploads: other archives). The name
 * may itself contain '-', so when the project is known its name is matched as a prefix (as pip's
 * `_find_name_version_sep` does); otherwise the split is at the last '-' (packaging's rule).
 */
export function parseSdistFilename(filename: string, project?: string): DistributionFilename | null {
  const suffix = SDIST_SUFFIXES.find((candidate) => filename.toLowerCase().endsWith(candidate));
  if (suffix === undefined) return null;
  const stem = filename.slice(0, -suffix.length);
  if (project !== undefined) {
    const wanted = normalizeName(project);
    for (let index = stem.indexOf('-'); index > 0; index = stem.indexOf('-', index + 1)) {
      if (normalizeName(stem.slice(0, index)) !== wanted) continue;
      const version = stem.slice(index + 1);
      return isValidVersion(version) ? { name: wanted, version, kind: 'sdist' } : null;
    }
  }
  const dash = stem.lastIndexOf('-');
  if (dash <= 0) return null;
  const version = stem.slice(dash + 1);
  if (!isValidVersion(version)) return null;
  return { name: normalizeName(stem.slice(0, dash)), version, kind: 'sdist' };
}

/** A wheel or sdist filename, or null for anything else (.egg, .exe, signatures, ...). */
export function parseDistributionFilename(filename: string, project?: string): DistributionFilename | null {
  return parseWheelFilename(filename) ?? parseSdistFilename(filename, project);
}

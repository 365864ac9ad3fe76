/**
 * The lock files a customer arrives with (issue 17, "Onboarding a real customer"): a pinned
 * requirements.txt (with or without `--hash`), `pip freeze` output, uv's `uv.lock` and PEP 751
 * `pylock.toml`, read into exact pins with the sha256 digests the file states.
 */
import { parse as parseToml } from 'smol-toml';
import { InputError } from '../../domain/errors/index.js';
import { markerEnvironment, parseMarker, parseRequirementsTxt } from '../../python/index.js';
import type { MarkerEnvironment } from '../../python/index.js';
import type { PinnedPackage } from '../../python/index.js';
import { checkedPins } from '../../python/lock/validate.js';

export type LockFormat = 'requirements.txt' | 'pip-freeze' | 'uv.lock' | 'pylock.toml';
export const LOCK_FORMATS: readonly LockFormat[] = [
  'requirements.txt',
  'pip-freeze',
  'uv.lock',
  'pylock.toml',
];

export interface ReadLock {
  readonly format: LockFormat;
  /** Exact pins; `hashes` as `sha256:<hex>` where the file states them. */
  readonly pins: PinnedPackage[];
  readonly warnings: string[];
}

/**
 * The format of a lock: by its file name when that says (`uv.lock`, `pylock.toml`,
 * `pylock.<name>.toml` as PEP 751 names them), else by its first keys; anything else is read as
 * requirements (pip freeze writes the same format).
 */
export function detectLockFormat(text: string, filename?: string): LockFormat {
  const base = filename?.split(/[\\/]/).at(-1) ?? '';
  if (base === 'uv.lock') return 'uv.lock';
  if (/^pylock\.([^.]+\.)?toml$/.test(base)) return 'pylock.toml';
  if (/^\s*lock-version\s*=/m.test(text)) return 'pylock.toml';
  if (/^\s*\[\[package\]\]/m.test(text) && /^\s*version\s*=\s*\d/m.test(text)) return 'uv.lock';
  return 'requirements.txt';
}

function refuse(format: LockFormat, why: string, remedy: string): never {
  throw new InputError(`${format}: ${why}`, { remedy, extra: { format } });
}

function tomlOf(text: string, format: LockFormat): Record<string, unknown> {
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (error) {
    return refuse(
      format,
      `not valid TOML (${error instanceof Error ? error.message.split('\n')[0]! : String(error)})`,
      `Pass the ${format} file as the tool wrote it.`,
    );
  }
}

function tableArray(value: unknown, format: LockFormat, key: string): Record<string, unknown>[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((entry) => typeof entry !== 'object' || entry === null))
    refuse(format, `'${key}' is not an array of tables`, `Pass the ${format} file as the tool wrote it.`);
  return value as Record<string, unknown>[];
}

function sha256Of(hash: unknown): string | null {
  if (typeof hash !== 'string') return null;
  const match = /^sha256:([0-9a-fA-F]{64})$/.exec(hash);
  return match ? `sha256:${match[1]!.toLowerCase()}` : null;
}

/**
 * uv's universal lock forks: a package may appear once per `resolution-markers` branch. The
 * image's environment picks the branch; an entry without markers belongs to every branch.
 */
function inImageFork(entry: Record<string, unknown>, environment: MarkerEnvironment | null): boolean {
  const markers = entry['resolution-markers'];
  if (environment === null || !Array.isArray(markers) || markers.length === 0) return true;
  return markers.some((text) => {
    try {
      return typeof text === 'string' && parseMarker(text).evaluate(environment);
    } catch {
      return true;
    }
  });
}

/** uv.lock: `[[package]]` with `source`, `sdist` and `wheels` (`hash = "sha256:..."`). */
function readUvLock(text: string, environment: MarkerEnvironment | null): ReadLock {
  const format = 'uv.lock';
  const document = tomlOf(text, format);
  const pins: PinnedPackage[] = [];
  const warnings: string[] = [];
  for (const entry of tableArray(document['package'], format, 'package')) {
    const name = entry['name'];
    const version = entry['version'];
    const source = (entry['source'] ?? {}) as Record<string, unknown>;
    if (typeof name !== 'string') refuse(format, 'a [[package]] has no name', 'Regenerate it with uv lock.');
    if (!inImageFork(entry, environment)) {
      warnings.push(`${name} ${String(version)}: for another Python than the image's (resolution-markers)`);
      continue;
    }
    // The project itself (and workspace members) are not installed from an index.
    if ('virtual' in source || 'editable' in source) {
      warnings.push(
        `${name}: the project itself (a ${'virtual' in source ? 'virtual' : 'editable'} source) is not a pin`,
      );
      continue;
    }
    if (!('registry' in source))
      refuse(
        format,
        `${name} comes from ${Object.keys(source).join(', ') || 'no source'}, not from a package index`,
        'An image pins released versions from an index; publish the package to the index, then lock again.',
      );
    if (typeof version !== 'string') refuse(format, `${name} has no version`, 'Regenerate it with uv lock.');
    const files = [
      ...(entry['sdist'] === undefined ? [] : [entry['sdist']]),
      ...tableArray(entry['wheels'], format, `${name}.wheels`),
    ] as Record<string, unknown>[];
    const hashes = [
      ...new Set(files.map((file) => sha256Of(file['hash'])).filter((h): h is string => h !== null)),
    ];
    pins.push({ name, version, ...(hashes.length > 0 ? { hashes } : {}) });
  }
  return { format, pins: checkedPins(pins), warnings };
}

/** PEP 751 pylock.toml: `[[packages]]` with `version`, `marker`, `sdist` and `wheels` (`hashes.sha256`). */
function readPylock(text: string): ReadLock {
  const format = 'pylock.toml';
  const document = tomlOf(text, format);
  if (typeof document['lock-version'] !== 'string')
    refuse(format, "no 'lock-version' (PEP 751)", 'Pass a PEP 751 lock file.');
  const pins: PinnedPackage[] = [];
  for (const entry of tableArray(document['packages'], format, 'packages')) {
    const name = entry['name'];
    const version = entry['version'];
    if (typeof name !== 'string')
      refuse(format, 'a [[packages]] entry has no name', 'Pass a PEP 751 lock file.');
    if (typeof version !== 'string')
      refuse(
        format,
        `${name} has no version (a VCS, directory or archive source)`,
        'An image pins released versions from an index; publish the package, then lock again.',
      );
    const files = [
      ...(entry['sdist'] === undefined ? [] : [entry['sdist']]),
      ...tableArray(entry['wheels'], format, `${name}.wheels`),
    ] as Record<string, unknown>[];
    const hashes = [
      ...new Set(
        files
          .map((file) => (file['hashes'] as Record<string, unknown> | undefined)?.['sha256'])
          .map((hex) => (typeof hex === 'string' ? sha256Of(`sha256:${hex}`) : null))
          .filter((h): h is string => h !== null),
      ),
    ];
    const marker = entry['marker'];
    pins.push({
      name,
      version,
      ...(hashes.length > 0 ? { hashes } : {}),
      ...(typeof marker === 'string' ? { marker } : {}),
    });
  }
  return { format, pins: checkedPins(pins), warnings: [] };
}

/**
 * Reads a lock in `format` (default: detected) into exact pins; `InputError` on anything else.
 * `python` (X.Y or X.Y.Z) picks uv.lock's branch for the image's interpreter.
 */
export function readLock(
  text: string,
  format: LockFormat = detectLockFormat(text),
  target: { python?: string } = {},
): ReadLock {
  if (format === 'uv.lock')
    return readUvLock(text, target.python === undefined ? null : markerEnvironment(target.python));
  if (format === 'pylock.toml') return readPylock(text);
  const { pins, warnings } = parseRequirementsTxt(text);
  return { format, pins, warnings };
}

import { InputError } from '../domain/errors/index.js';
import { normalizeName } from '../python/names/index.js';
import { metadataHeader } from './metadata-header.js';
import {
  NotAZipError,
  bufferBytes,
  readCentralDirectory,
  readEntryData,
  readEntryHead,
  withFileBytes,
} from './wheel-zip.js';
import type { ZipBytes, ZipEntry } from './wheel-zip.js';

// Real METADATA files are a few kB (long descriptions reach a few hundred); anything far larger is
// not metadata and would only cost memory.
const MAX_METADATA_BYTES = 16 * 1024 * 1024;

/**
 * Picks `{name}-{version}.dist-info/METADATA` (binary distribution format, "The .dist-info
 * directory"). A wheel should hold exactly one top-level `.dist-info`; when it holds several, the
 * one whose name matches the project wins, as pip's `wheel_dist_info_dir` requires.
 */
function chooseMetadataEntry(entries: readonly ZipEntry[], project: string | undefined): ZipEntry | null {
  const candidates = entries.filter((entry) => /^[^/]+\.dist-info\/METADATA$/.test(entry.name));
  if (candidates.length <= 1 || project === undefined) return candidates.length === 1 ? candidates[0]! : null;
  const wanted = normalizeName(project);
  return (
    candidates.find((entry) => {
      const directory = entry.name.slice(0, entry.name.indexOf('.dist-info/'));
      return normalizeName(directory.split('-')[0]!) === wanted;
    }) ?? null
  );
}

/**
 * Reads the METADATA text out of a wheel, given its path or its bytes. `label` names the wheel in
 * errors (its URL or path). Throws `InputError` when the file is not a zip or has no METADATA.
 * A path is read synchronously: two reads of a local file cost less than the thread-pool round
 * trips of asynchronous ones, which dominated resolving from a large find-links folder.
 */
export function readWheelMetadata(source: string | Buffer, label: string, project?: string): Promise<string> {
  try {
    return Promise.resolve(
      typeof source === 'string'
        ? withFileBytes(source, (bytes) => metadataOf(bytes, label, project))
        : metadataOf(bufferBytes(source), label, project),
    );
  } catch (error) {
    return Promise.reject(asInputError(error, label));
  }
}

/**
 * The METADATA header (`metadataHeader`: what resolving reads) of a local wheel, with the size and
 * modification time of the file as it was read: what a cache keys the header by, taken from the
 * open file, so it names exactly those bytes.
 */
export function readWheelFileMetadata(
  path: string,
  project?: string,
): Promise<{ header: string; size: number; mtimeMs: number }> {
  try {
    return Promise.resolve(
      withFileBytes(path, (bytes) => ({
        header: metadataHeaderOf(bytes, path, project),
        size: bytes.size,
        mtimeMs: bytes.modifiedMs ?? 0,
      })),
    );
  } catch (error) {
    return Promise.reject(asInputError(error, path));
  }
}

// Compressed bytes of METADATA read first, about 12 KiB of text. In the real stack's 199 wheels,
// 158 METADATA files are smaller than that whole; of the other 41, one header runs past it (a
// metadata 1.x Description folded into the header) and is read again whole.
const HEAD_BYTES = 4 * 1024;

/**
 * The header of a wheel's METADATA, read from the start of METADATA when the empty line that ends
 * the header is there, else from all of it. The body (a README, up to hundreds of KiB) is then
 * neither read, inflated nor decoded. The prefix gives the same header as the whole text: only its
 * last line can be cut short, and the header ends at an empty line before it. Damage behind the
 * header goes unnoticed here, as behind a PEP 658 sidecar: the installer checks the whole file.
 */
function metadataHeaderOf(bytes: ZipBytes, label: string, project: string | undefined): string {
  const entry = metadataEntry(bytes, label, project);
  const head = readEntryHead(bytes, entry, HEAD_BYTES);
  const text = head.toString('utf8');
  // All of it (most METADATA files are small), or a prefix holding the header's end.
  if (head.length >= entry.uncompressedSize) return metadataHeader(text);
  const header = metadataHeader(text);
  if (header.length < text.length) return header;
  return metadataHeader(readEntryData(bytes, entry).toString('utf8'));
}

function metadataOf(bytes: ZipBytes, label: string, project: string | undefined): string {
  return readEntryData(bytes, metadataEntry(bytes, label, project)).toString('utf8');
}

/** The wheel's METADATA member, refused when missing or too large to be metadata. */
function metadataEntry(bytes: ZipBytes, label: string, project: string | undefined): ZipEntry {
  // Only METADATA candidates are decoded: botocore's wheel names thousands of other members.
  const entry = chooseMetadataEntry(readCentralDirectory(bytes, '.dist-info/METADATA'), project);
  if (!entry) {
    throw new InputError(`${label} has no single '*.dist-info/METADATA' file`, {
      remedy: 'Rebuild the wheel with a standard build backend.',
      extra: { file: label },
    });
  }
  if (entry.uncompressedSize > MAX_METADATA_BYTES) {
    throw new InputError(`${label} has a METADATA file of ${String(entry.uncompressedSize)} bytes`, {
      remedy: 'Rebuild the wheel; core metadata is a small text file.',
      extra: { file: label },
    });
  }
  return entry;
}

function asInputError(error: unknown, label: string): InputError {
  if (error instanceof InputError) return error;
  const message = error instanceof Error ? error.message : String(error);
  // Not there, not readable, or no zip at all: the file is not a wheel; else a wheel, damaged.
  if (error instanceof NotAZipError || (error as NodeJS.ErrnoException).code !== undefined) {
    return new InputError(`${label} is not a readable wheel (zip): ${message}`, {
      remedy: 'Remove or replace the file; a wheel is a zip archive (binary distribution format).',
      extra: { file: label },
    });
  }
  return new InputError(`${label} is a damaged wheel: ${message}`, {
    remedy: 'Download or build the wheel again.',
    extra: { file: label },
  });
}

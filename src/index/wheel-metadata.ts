import yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';

import { InputError } from '../domain/errors/index.js';
import { normalizeName } from '../python/names/index.js';

// Real METADATA files are a few kB (long descriptions reach a few hundred); anything far larger is
// not metadata and would only cost memory.
const MAX_METADATA_BYTES = 16 * 1024 * 1024;

function openZip(source: string | Buffer): Promise<ZipFile> {
  const options = { lazyEntries: true, autoClose: false };
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, zip?: ZipFile): void => {
      if (error || !zip) reject(error ?? new Error('no zip file'));
      else resolve(zip);
    };
    if (typeof source === 'string') yauzl.open(source, options, done);
    else yauzl.fromBuffer(source, options, done);
  });
}

function listEntries(zip: ZipFile): Promise<Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: Entry[] = [];
    zip.on('entry', (entry: Entry) => {
      entries.push(entry);
      zip.readEntry();
    });
    zip.once('end', () => resolve(entries));
    zip.once('error', reject);
    zip.readEntry();
  });
}

function readEntry(zip: ZipFile, entry: Entry): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error) return reject(error);
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.once('end', () => resolve(Buffer.concat(chunks)));
      stream.once('error', reject);
    });
  });
}

/**
 * Picks `{name}-{version}.dist-info/METADATA` (binary distribution format, "The .dist-info
 * directory"). A wheel should hold exactly one top-level `.dist-info`; when it holds several, the
 * one whose name matches the project wins, as pip's `wheel_dist_info_dir` requires.
 */
function chooseMetadataEntry(entries: readonly Entry[], project: string | undefined): Entry | null {
  const candidates = entries.filter((entry) => /^[^/]+\.dist-info\/METADATA$/.test(entry.fileName));
  if (candidates.length <= 1 || project === undefined) return candidates.length === 1 ? candidates[0]! : null;
  const wanted = normalizeName(project);
  return (
    candidates.find((entry) => {
      const directory = entry.fileName.slice(0, entry.fileName.indexOf('.dist-info/'));
      return normalizeName(directory.split('-')[0]!) === wanted;
    }) ?? null
  );
}

/**
 * Reads the METADATA text out of a wheel, given its path or its bytes. `label` names the wheel in
 * errors (its URL or path). Throws `InputError` when the file is not a zip or has no METADATA.
 */
export async function readWheelMetadata(
  source: string | Buffer,
  label: string,
  project?: string,
): Promise<string> {
  let zip: ZipFile;
  try {
    zip = await openZip(source);
  } catch (error) {
    throw new InputError(`${label} is not a readable wheel (zip): ${(error as Error).message}`, {
      remedy: 'Remove or replace the file; a wheel is a zip archive (binary distribution format).',
      extra: { file: label },
    });
  }
  try {
    const entry = chooseMetadataEntry(await listEntries(zip), project);
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
    return (await readEntry(zip, entry)).toString('utf8');
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`${label} is a damaged wheel: ${(error as Error).message}`, {
      remedy: 'Download or build the wheel again.',
      extra: { file: label },
    });
  } finally {
    zip.close();
  }
}

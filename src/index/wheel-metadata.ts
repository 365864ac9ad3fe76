import { close, createReadStream, fstat, open, read } from 'node:fs';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';

import { InputError } from '../domain/errors/index.js';
import { normalizeName } from '../python/names/index.js';

// Real METADATA files are a few kB (long descriptions reach a few hundred); anything far larger is
// not metadata and would only cost memory.
const MAX_METADATA_BYTES = 16 * 1024 * 1024;

// The central directory sits at the end of a zip; wheels put .dist-info last. Reading the last
// few MiB once serves yauzl's two small reads per entry from memory: a wheel with thousands of
// files (botocore, pyarrow) otherwise costs thousands of read calls just to find METADATA.
const TAIL_BYTES = 4 * 1024 * 1024;

/** A zip file on disk whose tail is read once and served from memory. */
class TailCachedReader extends yauzl.RandomAccessReader {
  constructor(
    private readonly fd: number,
    private readonly tail: Buffer,
    private readonly tailStart: number,
  ) {
    super();
  }

  override read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    callback: (error: Error | null) => void,
  ): void {
    if (position >= this.tailStart && position + length <= this.tailStart + this.tail.length) {
      this.tail.copy(buffer, offset, position - this.tailStart, position - this.tailStart + length);
      setImmediate(() => callback(null));
      return;
    }
    read(this.fd, buffer, offset, length, position, (error) => callback(error));
  }

  override _readStreamForRange(start: number, end: number): Readable {
    return createReadStream('', { fd: this.fd, start, end: end - 1, autoClose: false });
  }

  override close(callback: (error: Error | null) => void): void {
    close(this.fd, (error) => callback(error));
  }
}

async function openZipFile(path: string, options: yauzl.Options): Promise<ZipFile> {
  const fd = await promisify(open)(path, 'r');
  try {
    const { size } = await promisify(fstat)(fd);
    const length = Math.min(size, TAIL_BYTES);
    const tail = Buffer.alloc(length);
    await promisify(read)(fd, tail, 0, length, size - length);
    const reader = new TailCachedReader(fd, tail, size - length);
    return await new Promise((resolve, reject) => {
      yauzl.fromRandomAccessReader(reader, size, options, (error, zip) => {
        if (error || !zip) reject(error ?? new Error('no zip file'));
        else resolve(zip);
      });
    });
  } catch (error) {
    await promisify(close)(fd).catch(() => undefined);
    throw error;
  }
}

function openZip(source: string | Buffer): Promise<ZipFile> {
  // autoClose off: readWheelMetadata closes the zip (and so the file) when it is done.
  const options = { lazyEntries: true, autoClose: false };
  if (typeof source === 'string') return openZipFile(source, options);
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(source, options, (error, zip) => {
      if (error || !zip) reject(error ?? new Error('no zip file'));
      else resolve(zip);
    });
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

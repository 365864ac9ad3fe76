/**
 * Just enough of the ZIP format (APPNOTE.TXT 6.3: end of central directory, ZIP64, central
 * directory headers, local headers; stored and deflated entries) to read one small entry of a
 * wheel: its tail in one read, the entry in one more. A general zip library (yauzl) reads each
 * central-directory header with its own read call, which made reading wheels with thousands of
 * files (botocore, pyarrow) most of a resolve (issue 15: within 2x of uv).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { constants, inflateRawSync } from 'node:zlib';

/** Random access to the bytes of a zip: a file (read on demand) or a buffer. */
export interface ZipBytes {
  readonly size: number;
  /** For a file: its modification time when opened (with `size`, what identifies the bytes read). */
  readonly modifiedMs?: number;
  /** Exactly `length` bytes at `position`; throws when they are not there. */
  read(position: number, length: number): Buffer;
}

export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly encrypted: boolean;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly localHeaderOffset: number;
}

/** The zip is not one: no end-of-central-directory record where the format puts it. */
export class NotAZipError extends Error {}

const END_SIGNATURE = 0x06054b50;
const END_SIZE = 22;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_END_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const MAX_COMMENT = 0xffff;
// The least tail that surely holds the end record (its comment is at most 64 KiB), and with it the
// central directory of most wheels; a larger directory takes one more read. Reading 256 KiB per
// wheel cost a cold resolve of the real stack more than the reads it saved.
const TAIL_BYTES = END_SIZE + MAX_COMMENT;

export function bufferBytes(buffer: Buffer): ZipBytes {
  return {
    size: buffer.length,
    read(position, length) {
      if (position < 0 || length < 0 || position + length > buffer.length)
        throw new Error(`the archive ends before byte ${String(position + length)}`);
      return buffer.subarray(position, position + length);
    },
  };
}

/**
 * Runs `use` with the file at `path` open for reading, and closes it once, whatever happens. A read
 * that falls inside the block read last is served from it: the tail read for the central
 * directory usually holds METADATA too (wheels put their .dist-info last), and a small wheel whole.
 */
export function withFileBytes<T>(path: string, use: (bytes: ZipBytes) => T): T {
  const fd = openSync(path, 'r');
  try {
    const { size, mtimeMs } = fstatSync(fd);
    let lastPosition = 0;
    let last: Buffer | null = null;
    return use({
      size,
      modifiedMs: mtimeMs,
      read(position, length) {
        if (position < 0 || length < 0 || position + length > size)
          throw new Error(`the archive ends before byte ${String(position + length)}`);
        if (last !== null && position >= lastPosition && position + length <= lastPosition + last.length)
          return last.subarray(position - lastPosition, position - lastPosition + length);
        const buffer = Buffer.allocUnsafe(length);
        let done = 0;
        while (done < length) {
          const n = readSync(fd, buffer, done, length - done, position + done);
          if (n === 0) throw new Error(`the archive ends before byte ${String(position + length)}`);
          done += n;
        }
        lastPosition = position;
        last = buffer;
        return buffer;
      },
    });
  } finally {
    closeSync(fd);
  }
}

function readUInt64(buffer: Buffer, at: number): number {
  const value = buffer.readBigUInt64LE(at);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error('a ZIP64 field is out of range');
  return Number(value);
}

/**
 * The central directory's entries, read from the archive's tail. With `nameEndsWith`, only the
 * entries whose names end so: the others' names are not decoded (a wheel may have thousands),
 * though every header is still checked, so a damaged archive fails as it would without it.
 */
export function readCentralDirectory(bytes: ZipBytes, nameEndsWith?: string): ZipEntry[] {
  const suffix = nameEndsWith === undefined ? null : Buffer.from(nameEndsWith, 'utf8');
  if (bytes.size < END_SIZE) throw new NotAZipError('too short to be a zip archive');
  const tailStart = Math.max(0, bytes.size - Math.max(TAIL_BYTES, END_SIZE + MAX_COMMENT));
  const tail = bytes.read(tailStart, bytes.size - tailStart);
  // The end record is the last one whose comment runs to (at most) the end of the file.
  let end = -1;
  for (let at = tail.length - END_SIZE; at >= Math.max(0, tail.length - END_SIZE - MAX_COMMENT); at--) {
    if (
      tail.readUInt32LE(at) === END_SIGNATURE &&
      at + END_SIZE + tail.readUInt16LE(at + 20) <= tail.length
    ) {
      end = at;
      break;
    }
  }
  if (end < 0) throw new NotAZipError('end of central directory record signature not found');
  let count = tail.readUInt16LE(end + 10);
  let directorySize = tail.readUInt32LE(end + 12);
  let directoryOffset = tail.readUInt32LE(end + 16);
  if (count === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    const locatorAt = tailStart + end - 20;
    const locator = bytes.read(locatorAt, 20);
    if (locator.readUInt32LE(0) !== ZIP64_LOCATOR_SIGNATURE)
      throw new Error('ZIP64 end of central directory locator not found');
    const record = bytes.read(readUInt64(locator, 8), 56);
    if (record.readUInt32LE(0) !== ZIP64_END_SIGNATURE)
      throw new Error('ZIP64 end of central directory record not found');
    count = readUInt64(record, 32);
    directorySize = readUInt64(record, 40);
    directoryOffset = readUInt64(record, 48);
  }
  const directory =
    directoryOffset >= tailStart && directoryOffset + directorySize <= bytes.size
      ? tail.subarray(directoryOffset - tailStart, directoryOffset - tailStart + directorySize)
      : bytes.read(directoryOffset, directorySize);
  if (directory.length < directorySize) throw new Error('the central directory runs past the end');
  const entries: ZipEntry[] = [];
  let at = 0;
  for (let index = 0; index < count; index++) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL_SIGNATURE)
      throw new Error(`invalid central directory file header signature at entry ${String(index)}`);
    const flags = directory.readUInt16LE(at + 8);
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    const next = at + 46 + nameLength + extraLength + commentLength;
    if (next > directory.length) throw new Error('a central directory header runs past the end');
    let uncompressedSize = directory.readUInt32LE(at + 24);
    let compressedSize = directory.readUInt32LE(at + 20);
    let localHeaderOffset = directory.readUInt32LE(at + 42);
    if (
      uncompressedSize === 0xffffffff ||
      compressedSize === 0xffffffff ||
      localHeaderOffset === 0xffffffff
    ) {
      // ZIP64 extended information (header id 0x0001): the 0xffffffff fields, in this order.
      const extra = directory.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength);
      for (let field = 0; field + 4 <= extra.length;) {
        const id = extra.readUInt16LE(field);
        const size = extra.readUInt16LE(field + 2);
        if (id === 0x0001) {
          let value = field + 4;
          const take = (): number => {
            if (value + 8 > field + 4 + size || value + 8 > extra.length)
              throw new Error('a ZIP64 extra field is too short');
            const read = readUInt64(extra, value);
            value += 8;
            return read;
          };
          if (uncompressedSize === 0xffffffff) uncompressedSize = take();
          if (compressedSize === 0xffffffff) compressedSize = take();
          if (localHeaderOffset === 0xffffffff) localHeaderOffset = take();
          break;
        }
        field += 4 + size;
      }
    }
    // UTF-8 never encodes anything but ASCII as ASCII bytes, so comparing bytes is comparing text.
    const nameEnd = at + 46 + nameLength;
    if (
      suffix !== null &&
      (nameLength < suffix.length ||
        directory.compare(suffix, 0, suffix.length, nameEnd - suffix.length, nameEnd) !== 0)
    ) {
      at = next;
      continue;
    }
    entries.push({
      // Wheel member names are UTF-8 (binary distribution format); bit 11 says so in most zips.
      name: directory.toString('utf8', at + 46, at + 46 + nameLength),
      method: directory.readUInt16LE(at + 10),
      encrypted: (flags & 0x1) !== 0,
      compressedSize,
      uncompressedSize,
      localHeaderOffset,
    });
    at = next;
  }
  return entries;
}

/** The uncompressed bytes of `entry` (stored or deflated), checked against its stated size. */
export function readEntryData(bytes: ZipBytes, entry: ZipEntry): Buffer {
  const raw = compressedData(bytes, entry, entry.compressedSize);
  const data =
    entry.method === 0 ? raw : inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.uncompressedSize) });
  if (data.length !== entry.uncompressedSize)
    throw new Error(
      `${entry.name} holds ${String(data.length)} bytes, its header says ${String(entry.uncompressedSize)}`,
    );
  return data;
}

/**
 * The start of `entry`'s uncompressed bytes, from its first `compressedBytes` stored or deflated
 * bytes: a deflated prefix inflates as far as it goes. The whole entry (`readEntryData`) when it is
 * no longer than that. For a wheel's METADATA, whose header comes first and whose body is often a
 * long README: the real stack's 199 wheels hold 2.3 MB of METADATA, 0.4 MB of it headers.
 */
export function readEntryHead(bytes: ZipBytes, entry: ZipEntry, compressedBytes: number): Buffer {
  if (entry.compressedSize <= compressedBytes) return readEntryData(bytes, entry);
  const raw = compressedData(bytes, entry, compressedBytes);
  // A sync flush instead of the default finish: the prefix ends mid-stream, which is no error here.
  return entry.method === 0
    ? raw
    : inflateRawSync(raw, {
        finishFlush: constants.Z_SYNC_FLUSH,
        maxOutputLength: Math.max(1, entry.uncompressedSize),
      });
}

/** The first `length` bytes of `entry`'s data as the archive stores them (checked to be readable). */
function compressedData(bytes: ZipBytes, entry: ZipEntry, length: number): Buffer {
  if (entry.encrypted) throw new Error(`${entry.name} is encrypted`);
  if (entry.method !== 0 && entry.method !== 8)
    throw new Error(`${entry.name} uses compression method ${String(entry.method)}`);
  // One read for the local header and, usually, the data behind it (names and extras are short).
  const guess = Math.min(bytes.size - entry.localHeaderOffset, 30 + 1024 + length);
  let block = bytes.read(entry.localHeaderOffset, Math.max(30, guess));
  if (block.readUInt32LE(0) !== LOCAL_SIGNATURE)
    throw new Error(`invalid local file header for ${entry.name}`);
  const dataStart = 30 + block.readUInt16LE(26) + block.readUInt16LE(28);
  if (dataStart + length > block.length) block = bytes.read(entry.localHeaderOffset, dataStart + length);
  return block.subarray(dataStart, dataStart + length);
}

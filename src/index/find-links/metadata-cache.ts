import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What identifies a version of a wheel without reading it: its size and modification time. */
export interface WheelIdentity {
  readonly size: number;
  readonly mtimeMs: number;
}

/** The METADATA headers of a find-links folder's wheels, remembered across processes. */
export interface WheelMetadataCache {
  /** Whether some header is cached for `filename` (of whatever identity): else it is surely a miss. */
  knows(filename: string): boolean;
  /** The header text cached for `filename` when it had this identity, else null. */
  get(filename: string, identity: WheelIdentity): string | null;
  /** Remembers `header` for `filename` with `identity`; written to disk by `flush`, soon after. */
  set(filename: string, identity: WheelIdentity, header: string): void;
  /** Writes what `set` added since the last flush (scheduled by `set` itself; tests call it). */
  flush(): void;
}

// Bumped when the file's shape changes: an old file is then a miss, never misread.
const FORMAT = 'ratchet find-links metadata v2';
const FOLDER = 'find-links-metadata-v2';
/**
 * Folders of earlier formats in the same cache folder, which nothing reads any more: v1 kept one
 * file per wheel (thousands per folder). The first write of this format removes them.
 */
const LEGACY_FOLDERS = ['find-links-metadata-v1'];

/** filename -> [size, mtimeMs, header]: arrays, so a file of thousands of entries parses fast. */
type Entries = Record<string, unknown>;

interface CacheFile {
  readonly format: typeof FORMAT;
  readonly root: string;
  readonly wheels: Entries;
}

function readEntries(path: string, root: string): Entries {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    // Missing, unreadable or corrupt: every wheel is a miss and the next flush rewrites the file.
    return Object.create(null) as Entries;
  }
  const file = parsed as Partial<CacheFile> | null;
  if (
    typeof file !== 'object' ||
    file === null ||
    file.format !== FORMAT ||
    file.root !== root ||
    typeof file.wheels !== 'object' ||
    file.wheels === null ||
    Array.isArray(file.wheels)
  ) {
    return Object.create(null) as Entries;
  }
  return Object.assign(Object.create(null) as Entries, file.wheels);
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch {
    // Nothing was written there, or the folder is not ours to clean.
  }
}

function headerOf(entry: unknown, identity: WheelIdentity): string | null {
  // Checked per entry when used: one damaged entry costs that wheel a read, not the whole cache.
  if (!Array.isArray(entry) || entry.length !== 3) return null;
  const [size, mtimeMs, header] = entry as unknown[];
  return size === identity.size && mtimeMs === identity.mtimeMs && typeof header === 'string' ? header : null;
}

/**
 * On disk as one file per folder, `cacheDir/find-links-metadata-v2/<sha256 of the folder>.json`
 * (folders of earlier formats are removed on its first write),
 * holding for each wheel read so far its METADATA header (everything before the body: the fields
 * resolution reads), keyed by the wheel's name, size and modification time, as pip's and uv's
 * caches key local files: a folder has no hashes to key by without reading every wheel whole, and
 * a wheel replaced in place gets a new size or mtime. One file, read once and written at most once
 * per batch of new entries: a cold resolve of 1,531 wheels spent more than a second creating one
 * small file each, and a warm one 75 ms opening them (issue 15: within 2x of uv).
 *
 * Best effort: a cache that cannot be read or written is a miss, never an error. The file is written
 * to a temporary name and renamed over the old one, so a concurrent reader sees the old file or the
 * new one, never half of one; of two processes flushing at once the last rename wins, after merging
 * in what the file held just before, and what the loser added is read again from its wheels later.
 */
export function openWheelMetadataCache(
  cacheDir: string,
  root: string,
  options: {
    /** Whether the folder still has the wheel: a flush drops entries of wheels that left it. */
    readonly isListed?: (filename: string) => boolean;
  } = {},
): WheelMetadataCache {
  const folder = join(cacheDir, FOLDER);
  const path = join(folder, `${createHash('sha256').update(root).digest('hex')}.json`);
  // Read on first use: a source that only lists releases never touches the cache.
  let entries: Entries | null = null;
  const added = new Map<string, [number, number, string]>();
  let scheduled = false;
  let legacyRemoved = false;

  function loaded(): Entries {
    return (entries ??= readEntries(path, root));
  }

  function knows(filename: string): boolean {
    return loaded()[filename] !== undefined;
  }

  function get(filename: string, identity: WheelIdentity): string | null {
    return headerOf(loaded()[filename], identity);
  }

  function set(filename: string, identity: WheelIdentity, header: string): void {
    const entry: [number, number, string] = [identity.size, identity.mtimeMs, header];
    loaded()[filename] = entry;
    added.set(filename, entry);
    if (scheduled) return;
    scheduled = true;
    // After the current burst of reads (a resolution reads its wheels between two turns of the
    // event loop): one write for all of them, not one per wheel. Not unref'd: a CLI that is done
    // still writes what it learnt before it exits.
    setImmediate(flush);
  }

  function flush(): void {
    scheduled = false;
    if (added.size === 0) return;
    // What other processes wrote since this one read the file, then this one's own entries.
    const merged = readEntries(path, root);
    for (const [filename, entry] of added) merged[filename] = entry;
    const { isListed } = options;
    if (isListed !== undefined) {
      // Wheels deleted from the folder: their entries would only grow the file.
      for (const filename of Object.keys(merged).filter((name) => !isListed(name)))
        Reflect.deleteProperty(merged, filename);
    }
    added.clear();
    entries = merged;
    const temporary = `${path}.${String(process.pid)}.${randomUUID()}.tmp`;
    try {
      mkdirSync(folder, { recursive: true });
      const file: CacheFile = { format: FORMAT, root, wheels: merged };
      writeFileSync(temporary, JSON.stringify(file));
      renameSync(temporary, path);
    } catch {
      // A read-only or full cache folder costs speed, not correctness.
      removeQuietly(temporary);
    }
    if (!legacyRemoved) {
      legacyRemoved = true;
      for (const name of LEGACY_FOLDERS) removeQuietly(join(cacheDir, name));
    }
  }

  return { knows, get, set, flush };
}

import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** METADATA texts of a find-links folder's wheels, remembered across processes. */
export interface WheelMetadataCache {
  /** The text cached for the wheel at `path` as it is now, else null. */
  get(path: string): string | null;
  set(path: string, text: string): void;
}

interface FileIdentity {
  readonly size: number;
  readonly mtimeMs: number;
}

function identityOf(path: string): FileIdentity | null {
  try {
    const info = statSync(path);
    return { size: info.size, mtimeMs: info.mtimeMs };
  } catch {
    return null;
  }
}

/**
 * On disk under `cacheDir/find-links-metadata-v1/<folder>/`, one small file per wheel, keyed by the
 * folder's path and the wheel's name, size and modification time (as pip's and uv's caches key local files): a folder has no
 * hashes to key by without reading every wheel whole, and a wheel replaced in place gets a new
 * size or mtime. A warm resolve then opens no wheel (issue 15: within 2x of uv, whose warm runs read
 * its own cache). Best effort: a cache that cannot be read or written is a cache miss, never an error.
 */
export function openWheelMetadataCache(cacheDir: string, root: string): WheelMetadataCache {
  // One hash per folder, not per wheel: a warm resolve looks up thousands of wheels.
  const folder = join(cacheDir, 'find-links-metadata-v1', createHash('sha256').update(root).digest('hex'));
  let folderMade = false;

  function fileOf(path: string, identity: FileIdentity): string {
    // A wheel's file name is a safe file name (binary distribution format: no separators).
    return join(folder, `${basename(path)}@${String(identity.size)}@${String(identity.mtimeMs)}`);
  }

  function get(path: string): string | null {
    const identity = identityOf(path);
    if (identity === null) return null;
    try {
      return readFileSync(fileOf(path, identity), 'utf8');
    } catch {
      return null;
    }
  }

  function set(path: string, text: string): void {
    const identity = identityOf(path);
    if (identity === null) return;
    try {
      if (!folderMade) mkdirSync(folder, { recursive: true });
      folderMade = true;
      // Write then rename: a concurrent reader sees no file or the whole file, never half of one.
      const target = fileOf(path, identity);
      const temporary = `${target}.${randomUUID()}.tmp`;
      writeFileSync(temporary, text, 'utf8');
      renameSync(temporary, target);
    } catch {
      // A read-only or full cache folder costs speed, not correctness.
    }
  }

  return { get, set };
}

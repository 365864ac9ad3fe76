import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Caches METADATA texts by the URL they came from and that file's (or its wheel's) hash. */
export interface MetadataCache {
  get(url: string, hash: string | null): Promise<string | null>;
  set(url: string, hash: string | null, text: string): Promise<void>;
}

function diskKey(url: string, hash: string): string {
  return createHash('sha256').update(`${url}\n${hash}`).digest('hex');
}

/**
 * In memory always; on disk under `cacheDir` only when a hash is known. A published file never
 * changes (PyPI refuses re-uploads of a filename), so URL + hash names the same bytes forever;
 * without a hash, an index could serve new bytes at the same URL, so only this process remembers.
 */
export function createMetadataCache(cacheDir?: string): MetadataCache {
  const memory = new Map<string, string>();
  const folder = cacheDir === undefined ? null : join(cacheDir, 'metadata-v1');

  async function get(url: string, hash: string | null): Promise<string | null> {
    const inMemory = memory.get(`${url}\n${hash ?? ''}`);
    if (inMemory !== undefined) return inMemory;
    if (folder === null || hash === null) return null;
    try {
      const text = await readFile(join(folder, diskKey(url, hash)), 'utf8');
      memory.set(`${url}\n${hash}`, text);
      return text;
    } catch {
      return null;
    }
  }

  async function set(url: string, hash: string | null, text: string): Promise<void> {
    memory.set(`${url}\n${hash ?? ''}`, text);
    if (folder === null || hash === null) return;
    await mkdir(folder, { recursive: true });
    // Write then rename: a concurrent reader sees the old state or the whole file, never half of it.
    const target = join(folder, diskKey(url, hash));
    const temporary = `${target}.${randomUUID()}.tmp`;
    await writeFile(temporary, text, 'utf8');
    await rename(temporary, target);
  }

  return { get, set };
}

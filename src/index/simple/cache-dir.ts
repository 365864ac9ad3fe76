import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Where index metadata is cached on disk unless a caller says otherwise: `RATCHET_CACHE_DIR`
 * (`off` keeps the cache in memory only), else `$XDG_CACHE_HOME/ratchet`, else `~/.cache/ratchet`.
 * Entries are keyed by URL and file hash (cache.ts), so sharing the folder between the CLI, servers
 * and indexes is safe: a published file never changes.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const configured = env['RATCHET_CACHE_DIR'];
  if (configured === 'off') return undefined;
  if (configured !== undefined && configured !== '') return resolve(configured);
  const base =
    env['XDG_CACHE_HOME'] !== undefined && env['XDG_CACHE_HOME'] !== ''
      ? env['XDG_CACHE_HOME']
      : join(homedir(), '.cache');
  return join(base, 'ratchet');
}

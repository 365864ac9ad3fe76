/**
 * The `--index-url` / `--find-links` / target options, apart from index.ts (which opens the
 * sources): commands declare options at every CLI start, and this must not load the index client.
 */
import type { Command } from 'commander';
import { defaultCacheDir } from '../../index/simple/cache-dir.js';

export interface SourceOptions {
  indexUrl?: string[];
  findLinks?: string[];
  python?: string;
  platform?: string;
  prerelease?: string;
  cacheDir?: string;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Adds the package-source and target options to a command. */
export function withSourceOptions(command: Command): Command {
  return command
    .option('--index-url <url>', 'a PEP 691/503 simple index (repeatable)', collect)
    .option('--find-links <dir>', 'a folder of wheels (repeatable)', collect)
    .option('--python <version>', "the image's Python, X.Y or X.Y.Z (required)")
    .option('--platform <platform>', 'linux, darwin or win32', 'linux')
    .option('--prerelease <mode>', 'if-necessary, allow or disallow', 'if-necessary')
    .option(
      '--cache-dir <dir>',
      'where index and wheel metadata is cached (env RATCHET_CACHE_DIR; "off" for memory only)',
      defaultCacheDir() ?? 'off',
    );
}

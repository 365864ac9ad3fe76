/**
 * `--index-url URL` / `--find-links DIR` options shared by the offline resolver commands, and the
 * progress bar drawn on a terminal while many packages are fetched.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../../domain/errors/index.js';
import { combineSources, openFindLinks, openSimpleIndex, renderProgressBar } from '../../index/index.js';
import type { FetchProgress, PackageSource } from '../../index/index.js';
import type { MarkerPlatform } from '../../python/index.js';
import type { PrereleaseMode } from '../../resolver/python-provider/index.js';
import type { SourceOptions } from './options.js';

export { withSourceOptions } from './options.js';
export type { SourceOptions } from './options.js';

const PLATFORMS: readonly MarkerPlatform[] = ['linux', 'darwin', 'win32'];
const PRERELEASE_MODES: readonly PrereleaseMode[] = ['if-necessary', 'allow', 'disallow'];

export interface ResolvedTarget {
  readonly source: PackageSource;
  readonly python: string;
  readonly platform: MarkerPlatform;
  readonly prerelease: PrereleaseMode;
  /** Ends the progress line, if one was drawn. */
  finish(): void;
}

/** Validates the options (exit 2 with a sentence on anything wrong) and opens the sources. */
export function openTarget(options: SourceOptions, { json }: { json: boolean }): ResolvedTarget {
  const indexUrls = options.indexUrl ?? [];
  const folders = options.findLinks ?? [];
  if (indexUrls.length + folders.length === 0) {
    throw new InputError('No package source given.', {
      remedy: 'Pass --index-url URL (a simple index) or --find-links DIR (a folder of wheels), or both.',
    });
  }
  if (!options.python) {
    throw new InputError("The image's Python version is required.", {
      remedy: 'Pass --python X.Y, e.g. --python 3.11.',
    });
  }
  const platform = options.platform ?? 'linux';
  if (!PLATFORMS.includes(platform as MarkerPlatform)) {
    throw new InputError(`Unknown platform '${platform}'.`, {
      remedy: `Pass one of ${PLATFORMS.join(', ')}.`,
    });
  }
  const prerelease = options.prerelease ?? 'if-necessary';
  if (!PRERELEASE_MODES.includes(prerelease as PrereleaseMode)) {
    throw new InputError(`Unknown --prerelease mode '${prerelease}'.`, {
      remedy: `Pass one of ${PRERELEASE_MODES.join(', ')}.`,
    });
  }
  const progress = progressReporter(!json && process.stderr.isTTY === true);
  const observers = { onProgress: progress.onProgress };
  const cacheDir =
    options.cacheDir === undefined || options.cacheDir === 'off' ? undefined : resolve(options.cacheDir);
  const sources = [
    ...indexUrls.map((url) =>
      openSimpleIndex(url, cacheDir === undefined ? observers : { ...observers, cacheDir }),
    ),
    ...folders.map((dir) => {
      const path = resolve(dir);
      if (!existsSync(path) || !statSync(path).isDirectory()) {
        throw new InputError(`--find-links ${dir} is not a folder.`, {
          remedy: 'Pass a folder that holds wheels.',
        });
      }
      return openFindLinks(path, cacheDir === undefined ? observers : { ...observers, cacheDir });
    }),
  ];
  const source = sources.length === 1 ? sources[0]! : combineSources(sources);
  return {
    source,
    python: options.python,
    platform: platform as MarkerPlatform,
    prerelease: prerelease as PrereleaseMode,
    finish: progress.finish,
  };
}

/** Draws a bar on stderr once more than a handful of fetches are under way (never in --json mode). */
function progressReporter(enabled: boolean): { onProgress?: (event: FetchProgress) => void; finish(): void } {
  if (!enabled) return { finish: () => undefined };
  let drawn = false;
  return {
    onProgress(event: FetchProgress): void {
      if (event.total < 20) return;
      drawn = true;
      process.stderr.write(`\rfetching ${renderProgressBar(event.done, event.total, 30)}`);
    },
    finish(): void {
      if (drawn) process.stderr.write('\n');
    },
  };
}

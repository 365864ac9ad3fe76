import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../domain/errors/index.js';
import { defaultCacheDir, openFindLinks, openSimpleIndex } from '../../index/index.js';
import type { PackageSource } from '../../index/index.js';
import type { Repositories } from '../../store/index.js';

/**
 * Opens an image's package source: a simple-index URL (`https://.../simple`) or a find-links
 * folder (`file:///srv/wheels` or an absolute path), so tests and the demo work offline.
 */
export function openPackageSource(ref: string): PackageSource {
  if (ref.startsWith('file:')) {
    const dir = fileURLToPath(ref);
    if (!existsSync(dir)) {
      throw new InputError(`The image's find-links folder ${dir} does not exist.`, {
        remedy: 'Point the instance at an existing folder of wheels or at a simple index URL.',
      });
    }
    return openFindLinks(dir);
  }
  if (isAbsolute(ref)) return openFindLinks(ref);
  if (ref.startsWith('http://') || ref.startsWith('https://')) {
    // Every report plans the image again: immutable metadata is fetched once per machine, not per report.
    const cacheDir = defaultCacheDir();
    return openSimpleIndex(ref, cacheDir === undefined ? {} : { cacheDir });
  }
  throw new InputError(`"${ref}" is neither a package index URL nor a find-links folder.`, {
    remedy: 'Use https://host/simple or file:///path/to/wheels.',
  });
}

/** Sets an instance's package source (caller audits, inside its transaction). */
export async function writeImageSource(
  repos: Repositories,
  input: { instanceId: string; tenantId: string; source: string; at: string },
): Promise<{ before: string | null }> {
  return repos.imageSources.set(input);
}

import { describePackageSource } from '../../domain/package-source/index.js';
import type { ImageContent } from '../../domain/revisions/index.js';
import { normalizeName, renderPylockToml, renderRequirementsTxt } from '../../python/index.js';
import type { PinnedPackage } from '../../python/index.js';

export type ImageExportFormat = 'requirements.txt' | 'pylock.toml';

export interface RenderedImage {
  text: string;
  /** Pins the revision recorded no file hashes for (recorded before hashes were kept, or unhashed at the source). */
  unhashed: string[];
}

/**
 * One image revision as a lock file: requirements.txt with `--hash=sha256:` lines, or PEP 751
 * `pylock.toml` with each pin's files (URL or path, size, sha256). pip's hash-checking mode needs
 * a hash on every line, so requirements.txt carries hashes only when every pin has them, and says
 * which pins lack them otherwise. The API export and the CLI render through this one function.
 */
export function renderImageExport(
  content: ImageContent,
  revisionNumber: number,
  format: ImageExportFormat,
): RenderedImage {
  const unhashed = content.packages
    .filter((pin) => (pin.files ?? []).length === 0)
    .map((pin) => normalizeName(pin.name))
    .sort();
  const withFiles = unhashed.length === 0 || format === 'pylock.toml';
  const pins: PinnedPackage[] = content.packages.map((pin) => ({
    name: pin.name,
    version: pin.version,
    ...(withFiles && pin.files !== undefined && pin.files.length > 0 ? { files: pin.files } : {}),
  }));
  if (format === 'pylock.toml') {
    return {
      // PEP 751 `index` names a simple repository; a find-links folder is none (its files carry their path).
      text: renderPylockToml(pins, {
        requiresPython: `==${content.python}.*`,
        ...(describePackageSource(content.index).kind === 'index' ? { index: content.index } : {}),
      }),
      unhashed,
    };
  }
  const header = [`Ratchet image revision ${String(revisionNumber)}, Python ${content.python}`];
  if (unhashed.length > 0 && unhashed.length < content.packages.length) {
    header.push(
      `No --hash lines: this revision recorded no file hashes for ${unhashed.join(', ')}, and pip's hash-checking mode needs one on every line.`,
    );
  }
  return { text: renderRequirementsTxt(pins, { header: header.join('\n') }), unhashed };
}

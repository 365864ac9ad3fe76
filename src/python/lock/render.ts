import { stringify } from 'smol-toml';

import { normalizeName } from '../names/index.js';
import { checkedPins } from './validate.js';
import { fileURLToPath } from 'node:url';
import type { LockFile, PinnedPackage, PylockOptions, RequirementsTxtOptions } from './types.js';

/**
 * A pip requirements file pinning every package with `==`, sorted by normalized name, with
 * `--hash` options when hashes are known (given as `hashes` or as the sha256 of `files`) (pip then runs in hash-checking mode, which needs a hash
 * for every line: pip's "Hash-checking Mode").
 */
export function renderRequirementsTxt(
  pins: readonly PinnedPackage[],
  options: RequirementsTxtOptions = {},
): string {
  const lines: string[] = [];
  for (const line of options.header?.split('\n') ?? []) lines.push(line === '' ? '#' : `# ${line}`);
  for (const pin of checkedPins(pins)) {
    const marker = pin.marker ? ` ; ${pin.marker}` : '';
    const head = `${normalizeName(pin.name)}==${pin.version}${marker}`;
    const hashes = [
      ...new Set([...(pin.hashes ?? []), ...(pin.files ?? []).map((f) => `sha256:${f.sha256}`)]),
    ].sort();
    if (hashes.length === 0) {
      lines.push(head);
      continue;
    }
    lines.push(`${head} \\`);
    hashes.forEach((hash, i) => lines.push(`    --hash=${hash}${i < hashes.length - 1 ? ' \\' : ''}`));
  }
  return `${lines.join('\n')}\n`;
}

function wheelHash(pin: PinnedPackage): string | null {
  if (pin.wheel?.sha256) return pin.wheel.sha256;
  const sha256 = (pin.hashes ?? []).filter((hash) => hash.startsWith('sha256:'));
  // Only a single known sha256 can be attributed to the one wheel we name.
  return sha256.length === 1 ? sha256[0]!.slice('sha256:'.length) : null;
}

/**
 * PEP 751 `[[packages.wheels]]` / `[packages.sdist]`: `name`, then `url` or `path` (a local file is
 * named by its path, which installers read directly), `size` when known, and `hashes` (required).
 */
function pylockFile(file: LockFile): Record<string, unknown> {
  const where = file.url.startsWith('file:') ? { path: fileURLToPath(file.url) } : { url: file.url };
  return {
    name: file.filename,
    ...where,
    ...(file.size === undefined ? {} : { size: file.size }),
    hashes: { sha256: file.sha256 },
  };
}

/**
 * A PEP 751 `pylock.toml`: `lock-version = "1.0"`, `created-by`, `requires-python`, and one
 * `[[packages]]` table per pin with `name`, `version`, `index` and `wheels` where known. PEP 751
 * requires `hashes` on every wheel entry, so a wheel whose sha256 is unknown is left out.
 */
export function renderPylockToml(pins: readonly PinnedPackage[], options: PylockOptions = {}): string {
  const packages = checkedPins(pins).map((pin) => {
    const entry: Record<string, unknown> = { name: normalizeName(pin.name), version: pin.version };
    if (pin.marker) entry.marker = pin.marker;
    if (pin.requiresPython) entry['requires-python'] = pin.requiresPython;
    const index = pin.index ?? options.index;
    if (index) entry.index = index;
    const sha256 = wheelHash(pin);
    if (pin.files !== undefined && pin.files.length > 0) {
      const wheels = pin.files.filter((file) => file.kind === 'wheel').map(pylockFile);
      const sdist = pin.files.find((file) => file.kind === 'sdist');
      if (wheels.length > 0) entry.wheels = wheels;
      if (sdist !== undefined) entry.sdist = pylockFile(sdist);
    } else if (pin.wheel && sha256) {
      entry.wheels = [{ name: pin.wheel.filename, url: pin.wheel.url, hashes: { sha256 } }];
    }
    return entry;
  });
  const document: Record<string, unknown> = { 'lock-version': '1.0' };
  if (options.requiresPython) document['requires-python'] = options.requiresPython;
  document['created-by'] = options.createdBy ?? 'ratchet';
  document.packages = packages;
  return `${stringify(document)}\n`;
}

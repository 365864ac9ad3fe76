import { stringify } from 'smol-toml';

import { normalizeName } from '../names/index.js';
import { checkedPins } from './validate.js';
import type { PinnedPackage, PylockOptions, RequirementsTxtOptions } from './types.js';

/**
 * A pip requirements file pinning every package with `==`, sorted by normalized name, with
 * `--hash` options when hashes are known (pip then runs in hash-checking mode, which needs a hash
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
    const hashes = [...new Set(pin.hashes ?? [])].sort();
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
    if (pin.wheel && sha256) {
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

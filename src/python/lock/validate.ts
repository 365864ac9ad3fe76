import { InputError } from '../../domain/errors/index.js';
import { isValidProjectName, normalizeName } from '../names/index.js';
import { isValidVersion } from '../version/index.js';
import type { PinnedPackage } from './types.js';

// pip's `--hash` form: an algorithm from hashlib and a lowercase hex digest.
export const HASH = /^(sha256|sha384|sha512|md5|sha1|sha224|blake2b|blake2s):[0-9a-f]+$/;

/** Refuses pins a lock could not honestly carry, and returns them sorted by normalized name. */
export function checkedPins(pins: readonly PinnedPackage[]): PinnedPackage[] {
  const seen = new Map<string, string>();
  for (const pin of pins) {
    if (!isValidProjectName(pin.name)) throw new InputError(`Invalid project name '${pin.name}' in a pin`);
    if (!isValidVersion(pin.version)) {
      throw new InputError(`Invalid version '${pin.version}' for ${pin.name}: not a PEP 440 version`);
    }
    for (const hash of pin.hashes ?? []) {
      if (!HASH.test(hash)) {
        throw new InputError(`Invalid hash '${hash}' for ${pin.name}: expected 'sha256:<hex digest>'`);
      }
    }
    const key = `${normalizeName(pin.name)};${pin.marker ?? ''}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new InputError(`${pin.name} is pinned twice (${earlier} and ${pin.version})`, {
        remedy: 'Pin each package once per marker.',
      });
    }
    seen.set(key, pin.version);
  }
  return [...pins].sort((a, b) => {
    const an = normalizeName(a.name);
    const bn = normalizeName(b.name);
    return an < bn ? -1 : an > bn ? 1 : 0;
  });
}

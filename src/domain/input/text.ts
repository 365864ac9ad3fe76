/**
 * Characters Ratchet refuses in any string from outside (issue 13): PostgreSQL's text type cannot
 * hold U+0000 ("invalid byte sequence for encoding UTF8: 0x00", a 500 before this check), and a lone
 * UTF-16 surrogate has no UTF-8 encoding at all (SQLite stored it as invalid UTF-8). Both engines
 * must answer alike, so both are refused before anything reaches a store.
 */

/** Why a string is refused: a NUL character or a surrogate without its partner. */
export type UnsafeCharacter = 'nul' | 'lone-surrogate';

/** Tracks surrogate pairing across the UTF-16 code units of one string, fed one unit at a time. */
export class CodeUnitChecker {
  private pendingHigh = false;

  /** Feeds one UTF-16 code unit; answers what is wrong with it, or undefined. */
  feed(unit: number): UnsafeCharacter | undefined {
    const high = unit >= 0xd800 && unit <= 0xdbff;
    const low = unit >= 0xdc00 && unit <= 0xdfff;
    if (this.pendingHigh) {
      this.pendingHigh = false;
      if (!low) return 'lone-surrogate';
      return undefined;
    }
    if (low) return 'lone-surrogate';
    if (high) {
      this.pendingHigh = true;
      return undefined;
    }
    return unit === 0 ? 'nul' : undefined;
  }

  /** The string ended: a high surrogate still waiting for its low half is lone. */
  end(): UnsafeCharacter | undefined {
    const lone = this.pendingHigh;
    this.pendingHigh = false;
    return lone ? 'lone-surrogate' : undefined;
  }
}

// eslint-disable-next-line no-control-regex -- finding NUL is the point of this pattern
const SUSPECT = /[\u0000\ud800-\udfff]/;

/** The first refused character of `text`, or undefined when it may be stored. */
export function unsafeCharacterIn(text: string): UnsafeCharacter | undefined {
  // Fast path: most strings hold neither a NUL nor any surrogate (paired or not).
  if (!SUSPECT.test(text)) return undefined;
  const checker = new CodeUnitChecker();
  for (let i = 0; i < text.length; i++) {
    const found = checker.feed(text.charCodeAt(i));
    if (found !== undefined) return found;
  }
  return checker.end();
}

/** "contains a NUL byte (\u0000)" / "contains a lone UTF-16 surrogate", for a sentence. */
export function describeUnsafe(found: UnsafeCharacter): string {
  return found === 'nul'
    ? 'contains a NUL character (\\u0000), which cannot be stored'
    : 'contains a lone UTF-16 surrogate (\\ud800-\\udfff without its pair), which is not valid Unicode';
}

/** A field name safe to print in a sentence: refused characters shown escaped, long names cut. */
export function printableName(name: string): string {
  let shown = '';
  for (const char of name.length > 64 ? `${name.slice(0, 64)}…` : name) {
    const unit = char.charCodeAt(0);
    shown +=
      unit === 0 || (char.length === 1 && unit >= 0xd800 && unit <= 0xdfff)
        ? `\\u${unit.toString(16).padStart(4, '0')}`
        : char;
  }
  return shown;
}

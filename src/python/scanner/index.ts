import { InputError } from '../../domain/errors/index.js';

/**
 * The sticky copy of each pattern, made once: building a RegExp per match was a fifth of parsing a
 * real package's Requires-Dist (issue 15). Callers pass module-level literals, so this stays small.
 */
const stickyCopies = new WeakMap<RegExp, RegExp>();

function stickyOf(pattern: RegExp): RegExp {
  let sticky = stickyCopies.get(pattern);
  if (sticky === undefined) {
    sticky = pattern.sticky ? pattern : new RegExp(pattern.source, `${pattern.flags}y`);
    stickyCopies.set(pattern, sticky);
  }
  return sticky;
}

/**
 * A cursor over a PEP 508 string (a requirement or a marker) that can fail with an error pointing
 * at the offending character: "Invalid requirement 'x >= 1.1O': expected ... at column 16", then
 * the text and a caret under the column. Columns count from 1.
 */
export class Scanner {
  pos = 0;

  constructor(
    readonly source: string,
    /** 'requirement' or 'marker': the word used in error messages. */
    readonly what: string,
  ) {}

  get done(): boolean {
    return this.pos >= this.source.length;
  }

  peek(length = 1): string {
    return this.source.slice(this.pos, this.pos + length);
  }

  skipSpace(): void {
    while (this.pos < this.source.length && /[ \t]/.test(this.source[this.pos]!)) this.pos++;
  }

  /** Matches a sticky regex at the cursor and advances past it. */
  match(pattern: RegExp): string | null {
    const sticky = stickyOf(pattern);
    sticky.lastIndex = this.pos;
    const found = sticky.exec(this.source);
    if (!found) return null;
    this.pos += found[0].length;
    return found[0];
  }

  accept(literal: string): boolean {
    if (!this.source.startsWith(literal, this.pos)) return false;
    this.pos += literal.length;
    return true;
  }

  fail(expected: string, at: number = this.pos): never {
    const column = at + 1;
    const caret = `${' '.repeat(at)}^`;
    throw new InputError(
      `Invalid ${this.what} '${this.source}': ${expected} at column ${String(column)}\n    ${this.source}\n    ${caret}`,
      {
        remedy:
          this.what === 'marker'
            ? `Write a PEP 508 marker such as "python_version >= '3.10' and sys_platform == 'linux'".`
            : `Write a PEP 508 requirement such as "dbt-core[postgres] >=1.10,<1.11 ; python_version >= '3.10'".`,
        extra: { [this.what]: this.source, column },
      },
    );
  }
}

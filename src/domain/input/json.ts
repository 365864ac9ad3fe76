/**
 * Limits on JSON from outside, checked before anything recursive touches it (issue 13): zod's
 * validation, JSON.stringify (evidence ingest overflowed the stack at 5,000 levels) and the store all
 * recurse. Both checks here are loops with an explicit stack, linear in the input's size.
 *
 * - `checkJsonText` reads raw JSON text (one document, or several as NDJSON) without parsing it.
 * - `checkValue` walks an already parsed value (JSON.parse is iterative in V8; what follows is not).
 *
 * Each refuses, with an InputError naming the field (`body.run.facets.x`), a nesting deeper than
 * `maxDepth` and any string or key holding a NUL or a lone surrogate (text.ts).
 */
import { InputError } from '../errors/index.js';
import { CodeUnitChecker, describeUnsafe, printableName, unsafeCharacterIn } from './text.js';
import type { UnsafeCharacter } from './text.js';

/** Deepest nesting of objects and arrays accepted in any JSON input (an OpenLineage event needs ~10). */
export const JSON_MAX_DEPTH = 64;

export interface JsonLimits {
  /** Deepest nesting accepted: `{}` or `[]` at the top is depth 1. Default JSON_MAX_DEPTH. */
  maxDepth?: number;
}

const REMEDY_TEXT = 'Remove the character, or send the value without it.';

function refuseCharacter(field: string, found: UnsafeCharacter): never {
  throw new InputError(`${field} ${describeUnsafe(found)}.`, {
    remedy: REMEDY_TEXT,
    extra: { field, limit: found === 'nul' ? 'no-nul' : 'no-lone-surrogate' },
  });
}

function refuseDepth(field: string, maxDepth: number): never {
  throw new InputError(
    `${field} nests objects and arrays deeper than the limit of ${String(maxDepth)} levels (JSON depth limit).`,
    {
      remedy: `Flatten the document to at most ${String(maxDepth)} levels of nesting.`,
      extra: { field, limit: 'json-depth', maxDepth },
    },
  );
}

function child(path: string, key: string | number): string {
  return typeof key === 'number' ? `${path}[${String(key)}]` : `${path}.${printableName(key)}`;
}

/**
 * Walks a parsed value (a request body, params, query, headers) and throws an InputError at the first
 * refused string or key, or at a nesting deeper than the limit. `root` names the value (`body`).
 *
 * @example checkValue(request.body, 'body') // throws "body.title contains a NUL character ..."
 */
export function checkValue(value: unknown, root: string, limits: JsonLimits = {}): void {
  const maxDepth = limits.maxDepth ?? JSON_MAX_DEPTH;
  // Depth counts containers: the root object is 1. Children are pushed in reverse so the first
  // field in document order is the one named.
  // A key is its own item, so keys and values are checked in document order, as checkJsonText does.
  const stack: ({ value: unknown; path: string; depth: number } | { key: string; path: string })[] = [
    { value, path: root, depth: 0 },
  ];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if ('key' in item) {
      const found = unsafeCharacterIn(item.key);
      if (found !== undefined) refuseCharacter(`${item.path} (a key)`, found);
      continue;
    }
    if (typeof item.value === 'string') {
      const found = unsafeCharacterIn(item.value);
      if (found !== undefined) refuseCharacter(item.path, found);
      continue;
    }
    if (typeof item.value !== 'object' || item.value === null) continue;
    const depth = item.depth + 1;
    if (depth > maxDepth) refuseDepth(item.path, maxDepth);
    if (Array.isArray(item.value)) {
      for (let i = item.value.length - 1; i >= 0; i--) {
        stack.push({ value: item.value[i] as unknown, path: child(item.path, i), depth });
      }
      continue;
    }
    const keys = Object.keys(item.value);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      const path = child(item.path, key);
      stack.push({ value: (item.value as Record<string, unknown>)[key], path, depth });
      stack.push({ key, path });
    }
  }
}

interface Frame {
  kind: 'object' | 'array';
  /** The key being read or last read (objects). */
  key: string;
  /** The element index (arrays). */
  index: number;
  /** Objects: the next string is a key. */
  expectKey: boolean;
}

function pathOf(root: string, frames: readonly Frame[], upTo = frames.length): string {
  let path = root;
  for (let i = 0; i < upTo; i++) {
    const frame = frames[i]!;
    path = child(path, frame.kind === 'array' ? frame.index : frame.key);
  }
  return path;
}

const HEX = /^[0-9a-fA-F]{4}$/;
const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' };
// Runs of characters that need no look: inside a string, anything but a quote, a backslash, a NUL or
// a surrogate; between tokens, anything but structure, quotes and newlines. Sticky regexes skip
// them natively, so a 28 MiB NDJSON batch is scanned in a fraction of its JSON.parse time.
// eslint-disable-next-line no-control-regex -- NUL is one of the characters looked for
const PLAIN_IN_STRING = /[^"\\\u0000\ud800-\udfff]*/y;
const PLAIN_BETWEEN = /[^"{}[\],\n]*/y;

// A `\u0000` or surrogate escape, or such a raw character; an escaped backslash before `u0000` is a
// false alarm the full scan clears.
// eslint-disable-next-line no-control-regex -- NUL is one of the characters looked for
const SUSPECT_TEXT = /\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})|[\u0000\ud800-\udfff]/;

/** True when no object or array in `text` nests deeper than `maxDepth`; strings skipped natively. */
function depthWithin(text: string, maxDepth: number): boolean {
  let depth = 0;
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      let end = text.indexOf('"', i + 1);
      // A quote preceded by an odd number of backslashes is escaped: look further.
      while (end !== -1 && backslashesBefore(text, end) % 2 === 1) end = text.indexOf('"', end + 1);
      if (end === -1) return true; // unterminated: the parser refuses it
      i = end + 1;
      continue;
    }
    if (code === 0x7b || code === 0x5b) {
      if (++depth > maxDepth) return false;
    } else if ((code === 0x7d || code === 0x5d) && depth > 0) {
      depth--;
    }
    i++;
  }
  return true;
}

function backslashesBefore(text: string, at: number): number {
  let count = 0;
  while (at - count - 1 >= 0 && text.charCodeAt(at - count - 1) === BACKSLASH) count++;
  return count;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;

/**
 * Scans raw JSON text (one document, or several separated by whitespace as in NDJSON) and throws an
 * InputError at a nesting deeper than the limit or at a string whose characters or escapes
 * (`\u0000`, an unpaired `\ud800`) would be refused. It does not validate the JSON: malformed text
 * is left for the parser to refuse. The second and later documents are named by line (`body line 3`).
 *
 * @example checkJsonText(rawBody, 'body') // before JSON.parse(rawBody)
 */
export function checkJsonText(text: string, root: string, limits: JsonLimits = {}): void {
  const maxDepth = limits.maxDepth ?? JSON_MAX_DEPTH;
  // Fast path for the usual body: nothing that could be a NUL or a surrogate, and shallow. The full
  // scan below runs only to name the field of a refusal (or to clear a false alarm of SUSPECT_TEXT).
  if (!SUSPECT_TEXT.test(text) && depthWithin(text, maxDepth)) return;
  const frames: Frame[] = [];
  let documents = 0;
  let line = 1;
  let documentRoot = root;
  let i = 0;

  function startDocument(): void {
    documents++;
    documentRoot = documents === 1 ? root : `${root} line ${String(line)}`;
  }

  while (i < text.length) {
    if (frames.length > 0) {
      PLAIN_BETWEEN.lastIndex = i;
      PLAIN_BETWEEN.test(text);
      i = PLAIN_BETWEEN.lastIndex;
      if (i >= text.length) break;
    }
    const code = text.charCodeAt(i);
    if (code === NEWLINE) line++;
    if (code === QUOTE) {
      if (frames.length === 0) startDocument();
      i = scanString(i + 1);
      continue;
    }
    const char = text[i]!;
    // Between documents every non-blank character starts one (a number or literal counts too).
    if (frames.length === 0 && char.trim() !== '') startDocument();
    const top = frames[frames.length - 1];
    if (char === '{' || char === '[') {
      if (frames.length + 1 > maxDepth) refuseDepth(pathOf(documentRoot, frames), maxDepth);
      frames.push({ kind: char === '{' ? 'object' : 'array', key: '', index: 0, expectKey: char === '{' });
    } else if (char === '}' || char === ']') {
      frames.pop();
    } else if (char === ',' && top !== undefined) {
      if (top.kind === 'array') top.index++;
      else top.expectKey = true;
    }
    i++;
  }

  // Reads one string starting after its opening quote; returns the index after its closing quote.
  function scanString(start: number): number {
    const top = frames[frames.length - 1];
    const isKey = top !== undefined && top.kind === 'object' && top.expectKey;
    const checker = new CodeUnitChecker();
    let decoded = '';
    let problem: UnsafeCharacter | undefined;
    let j = start;
    while (j < text.length) {
      PLAIN_IN_STRING.lastIndex = j;
      PLAIN_IN_STRING.test(text);
      const runEnd = PLAIN_IN_STRING.lastIndex;
      if (runEnd > j) {
        // Plain units only end a pending high surrogate: feeding the first one is enough.
        problem ??= checker.feed(text.charCodeAt(j));
        if (isKey && decoded.length <= 64) decoded += text.slice(j, Math.min(runEnd, j + 65));
        j = runEnd;
        if (j >= text.length) break;
      }
      const code = text.charCodeAt(j);
      if (code === QUOTE) break;
      let unit: number;
      if (code === BACKSLASH) {
        const next = text[j + 1] ?? '';
        if (next === 'u' && HEX.test(text.slice(j + 2, j + 6))) {
          unit = Number.parseInt(text.slice(j + 2, j + 6), 16);
          j += 6;
        } else {
          unit = (SIMPLE_ESCAPES[next] ?? next).charCodeAt(0) || BACKSLASH;
          j += 2;
        }
      } else {
        unit = code;
        j += 1;
      }
      problem ??= checker.feed(unit);
      if (isKey && decoded.length <= 64) decoded += String.fromCharCode(unit);
    }
    problem ??= checker.end();
    if (isKey) {
      top.key = decoded;
      top.expectKey = false;
    }
    if (problem !== undefined) {
      const field = pathOf(documentRoot, frames);
      refuseCharacter(isKey ? `${field} (a key)` : field, problem);
    }
    return j + 1;
  }
}

import { parseMarkerFrom } from '../marker/index.js';
import { normalizeName } from '../names/index.js';
import { Scanner } from '../scanner/index.js';
import { parseSpecifier, parseSpecifierSet } from '../specifier/index.js';
import { tryParseVersion } from '../version/index.js';
import type { Marker } from '../marker/index.js';
import type { Requirement } from './types.js';
import type { SpecifierSet } from '../specifier/index.js';

export type { Requirement } from './types.js';

// PEP 508 "Names": letters and digits, with '-', '_' and '.' inside.
const NAME = /[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?/;
const OPERATOR = /~=|===|==|!=|<=|>=|<|>/;
const URL_TEXT = /\S+/;

function parseExtras(s: Scanner): string[] {
  const extras: string[] = [];
  s.skipSpace();
  if (s.accept(']')) return extras;
  while (true) {
    s.skipSpace();
    const extra = s.match(NAME);
    if (extra === null) s.fail('expected an extra name');
    extras.push(normalizeName(extra));
    s.skipSpace();
    if (s.accept(']')) return [...new Set(extras)].sort();
    if (!s.accept(',')) s.fail("expected ',' or ']' after an extra name");
  }
}

// The longest leading part of `text` that is a version, so the caret lands on the first bad
// character ('1.1O' -> column of 'O').
function validVersionPrefix(text: string): number {
  for (let length = text.length; length > 0; length--) {
    if (tryParseVersion(text.slice(0, length)) && !/\s$/.test(text.slice(0, length))) return length;
  }
  return 0;
}

/** A clause's version runs to a space, comma, semicolon or one of `closers`; one pattern per closer set. */
const versionPatterns = new Map<string, RegExp>();

function versionPattern(closers: string): RegExp {
  let pattern = versionPatterns.get(closers);
  if (pattern === undefined) {
    pattern = new RegExp(`[^\\s,;${closers}]+`);
    versionPatterns.set(closers, pattern);
  }
  return pattern;
}

function parseClause(s: Scanner, closers: string): string {
  s.skipSpace();
  const opStart = s.pos;
  const op = s.match(OPERATOR);
  if (op === null) s.fail('expected a version specifier operator (~= == != <= >= < > ===)', opStart);
  s.skipSpace();
  const versionStart = s.pos;
  const version = s.match(versionPattern(closers)) ?? '';
  if (version === '') s.fail(`expected a version after '${op}'`);
  const clause = `${op}${version}`;
  try {
    parseSpecifier(clause);
  } catch {
    const bare = version.endsWith('.*') ? version.slice(0, -2) : version;
    const at = tryParseVersion(bare) ? 0 : validVersionPrefix(bare);
    s.fail(`expected a version after '${op}' (got '${version}', PEP 440)`, versionStart + at);
  }
  return clause;
}

function parseVersionMany(s: Scanner, closers: string): string {
  const clauses = [parseClause(s, closers)];
  while (true) {
    s.skipSpace();
    if (!s.accept(',')) return clauses.join(',');
    clauses.push(parseClause(s, closers));
  }
}

function render(
  name: string,
  extras: readonly string[],
  specifier: string,
  url: string | null,
  marker: Marker | null,
): string {
  let text = name + (extras.length > 0 ? `[${extras.join(',')}]` : '');
  if (url !== null) text += ` @ ${url}${marker ? ' ' : ''}`;
  else text += specifier;
  if (marker) text += `; ${marker.text}`;
  return text;
}

/**
 * Specifier sets by text, shared by every requirement that writes the same one (`>=1`, `<3`, ''):
 * a resolve parses thousands of requirements and far fewer distinct sets. Sets are immutable.
 */
const specifierSets = new Map<string, SpecifierSet>();

function specifierSetOf(text: string): SpecifierSet {
  let set = specifierSets.get(text);
  if (set === undefined) {
    set = parseSpecifierSet(text);
    // Bounded for a long-lived server; starting over costs only parsing again.
    if (specifierSets.size >= 50_000) specifierSets.clear();
    specifierSets.set(text, set);
  }
  return set;
}

/**
 * The most common requirement shape, `name` or `name>=1.2,<2` (no space, extras, URL or marker):
 * what most packages' Requires-Dist says. One pattern instead of the scanner; anything else, or a
 * clause that is not PEP 440, goes to the full parser, which also writes the errors.
 */
const SIMPLE_REQUIREMENT =
  /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)((?:~=|===|==|!=|<=|>=|<|>)[^\s,;()[\]@]+(?:,(?:~=|===|==|!=|<=|>=|<|>)[^\s,;()[\]@]+)*)?$/;

function simpleRequirement(text: string): Requirement | null {
  const match = SIMPLE_REQUIREMENT.exec(text);
  if (match === null) return null;
  const name = match[1]!;
  let specifier: SpecifierSet;
  try {
    specifier = specifierSetOf(match[2] ?? '');
  } catch {
    return null;
  }
  const normalizedName = normalizeName(name);
  return {
    name,
    normalizedName,
    extras: [],
    specifier,
    url: null,
    marker: null,
    text: render(name, [], specifier.text, null, null),
  };
}

/**
 * Parses a PEP 508 requirement: name, extras, version specifiers (also the legacy parenthesised
 * form `name (>=1.0)`), a direct URL (`name @ https://...`) and a marker after ';'. Throws
 * `InputError` whose message shows the offending column with a caret; `extra.column` holds it.
 *
 * @example parseRequirement('dbt-snowflake>=1.10,<2.0; python_version >= "3.9"').normalizedName // 'dbt-snowflake'
 */
export function parseRequirement(text: string): Requirement {
  return simpleRequirement(text) ?? parseAnyRequirement(text);
}

/** `parseRequirement` by the PEP 508 grammar, whatever the shape (exported for the tests). */
export function parseAnyRequirement(text: string): Requirement {
  const s: Scanner = new Scanner(text, 'requirement');
  s.skipSpace();
  const name = s.match(NAME);
  if (name === null) s.fail('expected a project name (letters, digits, -, _ and .)');
  s.skipSpace();
  const extras = s.accept('[') ? parseExtras(s) : [];
  s.skipSpace();

  let url: string | null = null;
  let specifierText = '';
  if (s.accept('@')) {
    s.skipSpace();
    const urlStart = s.pos;
    url = s.match(URL_TEXT);
    if (url === null) s.fail("expected a URL after '@'", urlStart);
    // PEP 508: a URL may itself contain ';', so the marker needs whitespace before it.
    if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(url))
      s.fail('expected a URL with a scheme (https://, file://, git+https://)', urlStart);
  } else if (s.accept('(')) {
    s.skipSpace();
    specifierText = s.peek() === ')' ? '' : parseVersionMany(s, ')');
    s.skipSpace();
    if (!s.accept(')')) s.fail("expected ')' to close the version specifier");
  } else if (/[<>=!~]/.test(s.peek())) {
    specifierText = parseVersionMany(s, '');
  }

  s.skipSpace();
  let marker: Marker | null = null;
  if (s.accept(';')) {
    marker = parseMarkerFrom(s);
    s.skipSpace();
  }
  if (!s.done) {
    s.fail(
      url === null
        ? "expected a version specifier, ';' and a marker, or the end"
        : "expected ' ;' and a marker, or the end",
    );
  }
  const specifier = specifierSetOf(specifierText);
  return {
    name,
    normalizedName: normalizeName(name),
    extras,
    specifier,
    url,
    marker,
    text: render(name, extras, specifier.text, url, marker),
  };
}

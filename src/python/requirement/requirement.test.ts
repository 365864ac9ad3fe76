import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { InputError } from '../../domain/errors/index.js';
import { markerEnvironment } from '../marker/index.js';
import { parseAnyRequirement, parseRequirement } from './index.js';
import type { Requirement } from './types.js';

// Real release records of the dbt stack, read from the projects' setup.py/pyproject at their tags.
const stack = JSON.parse(
  readFileSync(new URL('../../../../shared/fixtures/dbt-stack-requirements.json', import.meta.url), 'utf8'),
) as { package: string; version: string; requires_dist: string[] }[];

function errorOf(text: string): InputError {
  try {
    parseRequirement(text);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error(`'${text}' parsed`);
}

describe('parseRequirement (PEP 508)', () => {
  it('parses every requires_dist entry of the dbt stack fixture', () => {
    const entries = stack.flatMap((release) => release.requires_dist);
    expect(entries.length).toBeGreaterThan(100);
    const failures = entries.filter((text) => {
      try {
        parseRequirement(text);
        return false;
      } catch {
        return true;
      }
    });
    expect(failures).toEqual([]);
  });

  it('reads name, extras, specifier and marker', () => {
    const req = parseRequirement('Mashumaro[MsgPack, orjson] >=3.9,<3.15 ; python_version >= "3.9"');
    expect(req.name).toBe('Mashumaro');
    expect(req.normalizedName).toBe('mashumaro');
    expect(req.extras).toEqual(['msgpack', 'orjson']);
    expect(req.specifier.contains('3.14.1')).toBe(true);
    expect(req.specifier.contains('3.15')).toBe(false);
    expect(req.url).toBeNull();
    expect(req.marker?.evaluate(markerEnvironment('3.8'))).toBe(false);
    expect(req.text).toBe('Mashumaro[msgpack,orjson]>=3.9,<3.15; python_version >= "3.9"');
  });

  it('accepts the legacy parenthesised form', () => {
    const req = parseRequirement('snowflake_connector_python (>=3.0.0, <4.0.0)');
    expect(req.normalizedName).toBe('snowflake-connector-python');
    expect(req.specifier.filter(['2.9.0', '3.12.1', '4.0.0'])).toEqual(['3.12.1']);
  });

  it('reads a direct URL reference and the marker after it', () => {
    const req = parseRequirement(
      'dbt-core @ https://example.test/dbt_core-1.10.2-py3-none-any.whl#sha256=abc ; sys_platform == "linux"',
    );
    expect(req.url).toBe('https://example.test/dbt_core-1.10.2-py3-none-any.whl#sha256=abc');
    expect(req.specifier.specifiers).toEqual([]);
    expect(req.marker?.text).toBe('sys_platform == "linux"');
  });

  it('accepts a bare name as any version', () => {
    const req = parseRequirement('pyyaml');
    expect(req.specifier.contains('6.0.2')).toBe(true);
    expect(req.marker).toBeNull();
  });

  it("points at the offending character of a bad version: 'dbt-core >= 1.1O'", () => {
    const error = errorOf('dbt-core >= 1.1O');
    expect(error.message).toMatch(/^Invalid requirement 'dbt-core >= 1.1O': expected a version after '>='/);
    expect(error.extra.column).toBe(16);
    // The caret line sits under the 'O'.
    const [, source, caret] = error.message.split('\n');
    expect(source!.indexOf('O')).toBe(caret!.indexOf('^'));
  });

  it.each([
    ['dbt-core >=', 12],
    ['dbt core', 5],
    ['[postgres]', 1],
    ['dbt-core[postgres', 18],
    ['dbt-core; python_version >>', 27],
    ['dbt-core (>=1.0', 16],
    ['dbt-core @ ', 12],
  ])('refuses %j at column %i', (text, column) => {
    expect(errorOf(text).extra.column).toBe(column);
  });
});

/** What a requirement says, without its parsed objects' closures (two parses make two of each). */
function shapeOf(requirement: Requirement): Record<string, unknown> {
  const { specifier, marker, ...plain } = requirement;
  return {
    ...plain,
    specifier: specifier.text,
    prereleases: specifier.prereleases,
    marker: marker?.text ?? null,
  };
}

describe('the simple-requirement fast path', () => {
  // parseRequirement answers `name` and `name<clauses>` with one pattern; everything it answers must
  // be what the full PEP 508 parser answers, errors included (held over a real stack's Requires-Dist
  // and shapes at the edge of the pattern).
  const corpus = [
    ...new Set([
      ...stack.flatMap((release) => release.requires_dist),
      'lib-000>=1',
      'hub-provider-dbt>=3.0.0,<4',
      'Foo.Bar_baz==1.0.*',
      'a',
      'a1',
      'a-',
      'foo->=1',
      'foo>=1,',
      'foo>=1,,<2',
      'foo>=1.0.x',
      'foo==1.0.*.post1',
      'foo===weird-thing',
      'foo>=1 ',
      ' foo>=1',
      'foo >=1',
      'foo[bar]>=1',
      'foo>=1;python_version<"3.12"',
      'foo@https://example.com/foo.whl',
      'foo(>=1)',
      'foo~=1',
      'foo!=1.5,>=1',
      'foo<=2!1.0',
    ]),
  ];

  it('reads a corpus that has both shapes', () => {
    expect(corpus.length).toBeGreaterThan(100);
    expect(corpus.some((text) => text.includes(';'))).toBe(true);
  });

  it('answers every text as the full parser does', () => {
    for (const text of corpus) {
      let expected: unknown;
      try {
        expected = parseAnyRequirement(text);
      } catch (error) {
        expect(() => parseRequirement(text), text).toThrow((error as Error).message);
        continue;
      }
      expect(shapeOf(parseRequirement(text)), text).toEqual(shapeOf(expected as Requirement));
    }
  });
});

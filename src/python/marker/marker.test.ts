// Marker semantics held to pypa/packaging@053c8846's tests/test_markers.py vectors
// (../shared/fixtures/packaging-vectors.json). Rows whose environment is null ran on the test
// machine's interpreter; we pin it to CPython 3.11 on Linux (what those rows assumed: os_name posix).
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { InputError } from '../../domain/errors/index.js';
import { markerEnvironment, parseMarker } from './index.js';
import type { MarkerEnvironment } from './index.js';

interface EvalRow {
  marker_string: string;
  environment: Record<string, string> | null;
  expected: boolean;
}
const vectors = JSON.parse(
  readFileSync(new URL('../../../../shared/fixtures/packaging-vectors.json', import.meta.url), 'utf8'),
) as {
  marker_evaluates: EvalRow[];
  marker_pep345: EvalRow[];
  marker_version_like_equality: EvalRow[];
  marker_extras_groups: { expression: string; result: boolean; variable: 'extras' | 'dependency_groups' }[];
  marker_parses_valid: string[];
  marker_parses_invalid: string[];
};

const linux311 = markerEnvironment('3.11');

function env(overrides: Record<string, string> | null): MarkerEnvironment {
  return { ...linux311, ...overrides };
}

describe('marker vectors', () => {
  for (const key of ['marker_evaluates', 'marker_pep345', 'marker_version_like_equality'] as const) {
    it.each(vectors[key])(`${key}: %j`, ({ marker_string, environment, expected }) => {
      expect(parseMarker(marker_string).evaluate(env(environment))).toBe(expected);
    });
  }

  it.each(vectors.marker_extras_groups)('marker_extras_groups: $expression with $variable', (row) => {
    const marker = parseMarker(row.expression.replaceAll('{0}', row.variable));
    expect(marker.evaluate({ ...linux311, [row.variable]: ['foo', 'bar'] })).toBe(row.result);
  });

  it('parses all marker_parses_valid rows', () => {
    const failures = vectors.marker_parses_valid.filter((text) => {
      try {
        parseMarker(text);
        return false;
      } catch {
        return true;
      }
    });
    expect(vectors.marker_parses_valid.length).toBeGreaterThan(1000);
    expect(failures).toEqual([]);
  });

  it.each(vectors.marker_parses_invalid)('refuses %j', (text) => {
    expect(() => parseMarker(text)).toThrow(InputError);
  });
});

describe('parseMarker', () => {
  it('compares versions by PEP 440, not as strings', () => {
    // As strings '3.9' > '3.10'; as versions it is the other way round.
    const marker = parseMarker("python_version >= '3.10'");
    expect(marker.evaluate(markerEnvironment('3.9'))).toBe(false);
    expect(marker.evaluate(markerEnvironment('3.11'))).toBe(true);
  });

  it('admits a pre-release interpreter in a version comparison', () => {
    expect(parseMarker("python_full_version >= '3.8'").evaluate(markerEnvironment('3.13.0rc1'))).toBe(true);
  });

  it('honours and/or precedence and parentheses', () => {
    const text = "sys_platform == 'win32' or python_version < '3.10' and os_name == 'posix'";
    expect(parseMarker(text).evaluate(markerEnvironment('3.11', 'win32'))).toBe(true);
    expect(parseMarker(text).evaluate(markerEnvironment('3.11'))).toBe(false);
    expect(parseMarker(text).evaluate(markerEnvironment('3.9'))).toBe(true);
    const grouped = "(sys_platform == 'win32' or python_version < '3.10') and os_name == 'posix'";
    expect(parseMarker(grouped).evaluate(markerEnvironment('3.11', 'win32'))).toBe(false);
  });

  it('writes a canonical text with double quotes and PEP 508 names', () => {
    expect(parseMarker("os.name=='posix' and(python_version<'3.10')").text).toBe(
      'os_name == "posix" and (python_version < "3.10")',
    );
  });

  it('points at the offending column', () => {
    try {
      parseMarker("python_version >= '3.10' andd os_name == 'nt'");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).extra.column).toBe(26);
      expect((error as InputError).message).toContain('at column 26');
    }
  });

  it("refuses '~=' between strings that are not versions when evaluated", () => {
    expect(() => parseMarker("platform_machine ~= 'x86_64'").evaluate(linux311)).toThrow(InputError);
  });
});

describe('markerEnvironment', () => {
  it('fills CPython defaults for Linux x86_64', () => {
    expect(markerEnvironment('3.11.7')).toMatchObject({
      python_version: '3.11',
      python_full_version: '3.11.7',
      sys_platform: 'linux',
      platform_machine: 'x86_64',
      implementation_name: 'cpython',
    });
    expect(markerEnvironment('3.12', 'win32')).toMatchObject({ sys_platform: 'win32', os_name: 'nt' });
  });

  it('refuses something that is not a Python version', () => {
    expect(() => markerEnvironment('python3')).toThrow(InputError);
  });
});

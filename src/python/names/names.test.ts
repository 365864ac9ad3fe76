import { describe, expect, it } from 'vitest';

import { isValidProjectName, normalizeName } from './index.js';

describe('normalizeName (PEP 503)', () => {
  it.each([
    ['Django', 'django'],
    ['dbt_core', 'dbt-core'],
    ['Snowflake.Connector--Python', 'snowflake-connector-python'],
    ['zope.interface', 'zope-interface'],
    ['a._-b', 'a-b'],
  ])('%s -> %s', (input, expected) => {
    expect(normalizeName(input)).toBe(expected);
  });
});

describe('isValidProjectName (PEP 508)', () => {
  it.each(['dbt-core', 'A', 'zope.interface', 'snowflake_connector_python', 'x1'])('accepts %s', (name) => {
    expect(isValidProjectName(name)).toBe(true);
  });
  it.each(['', '-dbt', 'dbt-', 'dbt core', 'dbt@core', 'déjà', '.x'])('refuses %j', (name) => {
    expect(isValidProjectName(name)).toBe(false);
  });
});

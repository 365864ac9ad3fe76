import { describe, expect, it } from 'vitest';
import { InputError } from '../../domain/errors/index.js';
import {
  constraintsFromJson,
  constraintsOfDbtProject,
  excludingConstraints,
  parseDbtProject,
} from './index.js';

describe('parseDbtProject', () => {
  it('reads require-dbt-version as a string or a list', () => {
    expect(parseDbtProject("name: finance\nversion: '1.0'\nrequire-dbt-version: '>=1.11.0'\n")).toEqual({
      name: 'finance',
      requireDbtVersion: ['>=1.11.0'],
    });
    expect(
      parseDbtProject('name: finance\nrequire-dbt-version: [">=1.10.0", "<1.12.0"]\n').requireDbtVersion,
    ).toEqual(['>=1.10.0', '<1.12.0']);
    expect(parseDbtProject('name: ops\n').requireDbtVersion).toEqual([]);
  });

  it('reads a bare version as an exact pin, as dbt does', () => {
    expect(parseDbtProject('name: a\nrequire-dbt-version: 1.10.4\n').requireDbtVersion).toEqual(['==1.10.4']);
  });

  it('refuses a bad specifier, a missing name and a non-mapping, naming the field', () => {
    expect(() => parseDbtProject('name: a\nrequire-dbt-version: [">=1.10", "~>1.11"]\n')).toThrow(
      /^require-dbt-version\[1\] is not a valid version specifier/,
    );
    expect(() => parseDbtProject('version: 2\n')).toThrow(InputError);
    expect(() => parseDbtProject('- a\n- b\n')).toThrow('dbt_project.yml must be a mapping');
    expect(() => parseDbtProject('name: [unclosed\n')).toThrow(/not valid YAML/);
  });
});

describe('declared constraints', () => {
  const declared = [
    ...constraintsOfDbtProject(
      parseDbtProject('name: finance\nrequire-dbt-version: [">=1.11.0", "<1.12.0"]\n'),
    ),
    ...constraintsFromJson({ project: 'sales', constraints: { DBT_Core: '>=1.10,<1.12' } }),
  ];

  it('exclude a target outside any declared range: a certain break', () => {
    expect(excludingConstraints(declared, 'finance', 'dbt-core', '1.10.4')).toEqual([
      { project: 'finance', package: 'dbt-core', specifier: '>=1.11.0' },
    ]);
    expect(excludingConstraints(declared, 'finance', 'dbt-core', '1.11.2')).toEqual([]);
    expect(excludingConstraints(declared, 'sales', 'dbt_core', '1.10.4')).toEqual([]);
    expect(excludingConstraints(declared, 'marketing', 'dbt-core', '1.10.4')).toEqual([]);
  });

  it('refuse a malformed JSON form, naming the field', () => {
    expect(() => constraintsFromJson({ project: 'sales', constraints: { 'dbt-core': 3 } })).toThrow(
      /^constraints\.dbt-core:/,
    );
  });
});

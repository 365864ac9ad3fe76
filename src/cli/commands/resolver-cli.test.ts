/**
 * The offline resolver commands as other tools rely on them (issue 3's CLI contract): real
 * `./bin/ratchet` processes over a find-links folder, checked for the JSON shape and exit codes
 * 0 (yes), 1 (no) and 2 (bad input).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRatchet } from '../../../test/support/cli.js';
import { buildFindLinksFromUniverse } from '../../../test/support/wheels/index.js';

interface Run {
  code: number;
  json: Record<string, unknown>;
}

async function ratchet(args: string[]): Promise<Run> {
  const run = await runRatchet([...args, '--json']);
  return { code: run.code, json: JSON.parse(run.stdout) as Record<string, unknown> };
}

// The policy's example in miniature: the adapter moved with the core, so the core cannot go back alone.
const UNIVERSE = {
  'dbt-core': { '1.10.4': {}, '1.11.2': {} },
  'dbt-snowflake': {
    '1.10.1': { requires_dist: ['dbt-core>=1.10,<1.11'] },
    '1.11.0': { requires_dist: ['dbt-core>=1.11'] },
  },
  'legacy-tool': { '0.9': { requires_python: '<3.8' } },
};

let dir: string;
let wheels: string;
let consistentLock: string;
let brokenLock: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ratchet-resolver-cli-'));
  wheels = join(dir, 'wheels');
  mkdirSync(wheels);
  buildFindLinksFromUniverse(wheels, UNIVERSE);
  consistentLock = join(dir, 'consistent.txt');
  writeFileSync(consistentLock, 'dbt-core==1.11.2\ndbt-snowflake==1.11.0\n');
  brokenLock = join(dir, 'broken.txt');
  writeFileSync(brokenLock, '# only the core was rolled back\ndbt-core==1.10.4\ndbt-snowflake==1.11.0\n');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ratchet resolve', () => {
  it('answers satisfiable with the chosen versions (exit 0)', async () => {
    const run = await ratchet(['resolve', '--find-links', wheels, '--python', '3.11', 'dbt-snowflake']);
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({
      satisfiable: true,
      packages: { 'dbt-core': '1.11.2', 'dbt-snowflake': '1.11.0' },
      explanation: null,
    });
  });

  it('ignores a requirement whose marker is false for the image, as pip does (exit 0)', async () => {
    const run = await ratchet([
      'resolve',
      '--find-links',
      wheels,
      '--python',
      '3.11',
      'dbt-core<1.11',
      'legacy-tool>=9999; python_version < "3.10"',
    ]);
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({ satisfiable: true, packages: { 'dbt-core': '1.10.4' } });
    expect(run.json.ignored).toEqual([
      expect.objectContaining({ role: 'request', marker: 'python_version < "3.10"' }),
    ]);
    const human = await runRatchet([
      'resolve',
      '--find-links',
      wheels,
      '--python',
      '3.11',
      'dbt-core<1.11',
      'legacy-tool>=9999; python_version < "3.10"',
    ]);
    expect(human.stdout).toMatch(
      /ignoring: legacy-tool>=9999; python_version < "3.10" does not apply: its marker python_version < "3.10" is false for CPython 3\.11\.0 on linux x86_64\./,
    );
  });

  it('answers unsatisfiable with an explanation naming both constraints (exit 1)', async () => {
    const run = await ratchet([
      'resolve',
      '--find-links',
      wheels,
      '--python',
      '3.11',
      'dbt-core==1.10.*',
      'dbt-snowflake>=1.11',
    ]);
    expect(run.code).toBe(1);
    expect(run.json['satisfiable']).toBe(false);
    expect(run.json['packages']).toEqual({});
    expect(run.json['explanation']).toMatch(/dbt-snowflake 1\.11\.0 depends on dbt-core>=1\.11/);
  });

  it('refuses a malformed requirement with exit 2, pointing at the column', async () => {
    const run = await ratchet(['resolve', '--find-links', wheels, '--python', '3.11', 'dbt-core >= 1.1O']);
    expect(run.code).toBe(2);
    expect(run.json).toMatchObject({ error: { kind: 'input' } });
    expect(JSON.stringify(run.json)).toMatch(/column/);
  });
});

describe('ratchet image check', () => {
  it('calls a consistent lock consistent (exit 0)', async () => {
    const run = await ratchet([
      'image',
      'check',
      '--lock',
      consistentLock,
      '--find-links',
      wheels,
      '--python',
      '3.11',
    ]);
    expect(run.code).toBe(0);
    expect(run.json).toEqual({ consistent: true, violations: [], yanked: [], unavailable: [], ignored: [] });
  });

  it('names the broken dependency of a core-only rollback (exit 1)', async () => {
    const run = await ratchet([
      'image',
      'check',
      '--lock',
      brokenLock,
      '--find-links',
      wheels,
      '--python',
      '3.11',
    ]);
    expect(run.code).toBe(1);
    expect(run.json['consistent']).toBe(false);
    expect(run.json['violations']).toEqual([
      { package: 'dbt-snowflake', version: '1.11.0', requires: 'dbt-core>=1.11', found: '1.10.4' },
    ]);
  });

  it('needs a lock file (exit 2)', async () => {
    const run = await ratchet(['image', 'check', '--find-links', wheels, '--python', '3.11']);
    expect(run.code).toBe(2);
    expect(run.json).toMatchObject({ error: { kind: 'input' } });
  });
});

describe('ratchet image plan', () => {
  it('plans the co-rollback the dependency review demands (exit 0)', async () => {
    const run = await ratchet([
      'image',
      'plan',
      '--lock',
      consistentLock,
      '--find-links',
      wheels,
      '--python',
      '3.11',
      '--set',
      'dbt-core==1.10.*',
    ]);
    expect(run.code).toBe(0);
    expect(run.json['feasible']).toBe(true);
    expect(run.json['changes']).toEqual([
      { name: 'dbt-core', from: '1.11.2', to: '1.10.4', requested: true },
      { name: 'dbt-snowflake', from: '1.11.0', to: '1.10.1', requested: false },
    ]);
    expect(run.json['conflicts_if_alone']).toEqual([
      { package: 'dbt-snowflake', version: '1.11.0', requires: 'dbt-core>=1.11', found: '1.10.4' },
    ]);
    expect(run.json['explanation']).toMatch(/dbt-snowflake/);
  });

  it('says no when the adapter is held in place (exit 1)', async () => {
    const run = await ratchet([
      'image',
      'plan',
      '--lock',
      consistentLock,
      '--find-links',
      wheels,
      '--python',
      '3.11',
      '--set',
      'dbt-core==1.10.*',
      '--keep',
      'dbt-snowflake',
    ]);
    expect(run.code).toBe(1);
    expect(run.json['feasible']).toBe(false);
    expect(run.json['explanation']).toMatch(/dbt-snowflake/);
  });

  it('reports a target that does not support the image Python as unavailable', async () => {
    const lock = join(dir, 'tool.txt');
    writeFileSync(lock, 'dbt-core==1.11.2\n');
    const run = await ratchet([
      'image',
      'plan',
      '--lock',
      lock,
      '--find-links',
      wheels,
      '--python',
      '3.11',
      '--set',
      'legacy-tool==0.9',
    ]);
    expect(run.code).toBe(1);
    expect(run.json['availability']).toEqual([
      expect.objectContaining({
        package: 'legacy-tool',
        available: false,
        unusable: [{ version: '0.9', reason: expect.stringMatching(/requires Python <3\.8/) as unknown }],
      }),
    ]);
  });
});

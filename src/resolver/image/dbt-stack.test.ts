import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFindLinks } from '../../index/index.js';
import type { PackageSource } from '../../index/index.js';
import type { PinnedPackage } from '../../python/index.js';
import { buildDbtStackFindLinks, readDbtStackRecords } from '../../../test/support/wheels/index.js';
import { sharedFixture } from '../../../test/support/shared.js';
import { checkImage, planImageChange, resolveRequirements } from './index.js';
import type { ImagePlan } from './index.js';

// Real release records of dbt-core, dbt-snowflake, dbt-adapters, dbt-common and
// snowflake-connector-python, read from their repositories at the release tags
// (../shared/fixtures/dbt-stack-requirements.json); other dependencies are modelled leaves.
// dbt-snowflake 1.11.3 and later require `dbt-core>=1.11.6,<2.0`; 1.11.2 still takes
// `dbt-core>=1.10.0rc0`. dbt-core 1.10.23 caps `sqlparse<0.5.5`, 1.11.x does not.

const PYTHON = '3.11.7';

const pip = spawnSync('python3', ['-m', 'pip', '--version'], { encoding: 'utf8' });
const pipMissing = pip.status === 0 ? null : `python3 -m pip is not available: ${pip.stderr || pip.error}`;
if (pipMissing !== null && process.env.CI !== 'true') console.log(`Skipping pip checks: ${pipMissing}`);

/** pip 23.2.1 on the same folder, pinned exactly, dependencies checked; resolves with its exit status. */
function pipAccepts(dir: string, packages: Record<string, string>): Promise<{ ok: boolean; stderr: string }> {
  const pins = Object.entries(packages).map(([name, version]) => `${name}==${version}`);
  const args = ['-m', 'pip', 'install', '--quiet', '--isolated', '--disable-pip-version-check'];
  args.push('--no-index', '--find-links', dir, '--dry-run', '--ignore-installed', '--report', '-', ...pins);
  return new Promise((resolve) => {
    execFile('python3', args, { timeout: 120_000, maxBuffer: 16 << 20 }, (error, _stdout, stderr) =>
      resolve({ ok: error === null, stderr }),
    );
  });
}

function asPins(packages: Record<string, string>): PinnedPackage[] {
  return Object.entries(packages).map(([name, version]) => ({ name, version }));
}

describe('the dbt stack (real release records)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ratchet-dbt-stack-'));
  let source: PackageSource;
  let image: Record<string, string>;
  let plan: ImagePlan;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(async () => {
    buildDbtStackFindLinks(dir, readDbtStackRecords(sharedFixture('dbt-stack-requirements.json')));
    source = openFindLinks(dir);
    const resolved = await resolveRequirements({
      source,
      python: PYTHON,
      requirements: ['dbt-core==1.11.*', 'dbt-snowflake==1.11.6'],
    });
    expect(resolved.satisfiable, resolved.explanation ?? '').toBe(true);
    image = resolved.packages;
    plan = await planImageChange({
      source,
      python: PYTHON,
      pins: asPins(image),
      requests: ['dbt-core==1.10.*'],
    });
  }, 120_000);

  it('resolves an image at dbt-core 1.11 with dbt-snowflake 1.11.6 and the rest of the stack', () => {
    expect(image['dbt-core']).toBe('1.11.14');
    expect(image['dbt-snowflake']).toBe('1.11.6');
    for (const name of [
      'dbt-adapters',
      'dbt-common',
      'dbt-protos',
      'snowflake-connector-python',
      'sqlparse',
    ]) {
      expect(image, name).toHaveProperty(name);
    }
  });

  it('rolling dbt-core back to 1.10 co-rolls dbt-snowflake (and sqlparse), naming both in the explanation', () => {
    expect(plan.feasible, plan.explanation).toBe(true);
    expect(plan.availability[0]?.available).toBe(true);
    const moved = Object.fromEntries(plan.changes.map((change) => [change.name, change]));
    expect(moved['dbt-core']).toMatchObject({ from: '1.11.14', to: '1.10.23', requested: true });
    // The newest dbt-snowflake that still accepts dbt-core 1.10: the nearest move, not a jump to 1.10.x.
    expect(moved['dbt-snowflake']).toMatchObject({ from: '1.11.6', to: '1.11.2', requested: false });
    expect(moved['sqlparse']).toMatchObject({ from: image['sqlparse'], requested: false });
    expect(plan.changes).toHaveLength(3);
    expect(plan.explanation).toContain('dbt-snowflake 1.11.6');
    expect(plan.explanation).toContain('dbt-core');
    expect(plan.explanation).toMatch(/dbt-snowflake 1\.11\.6 → 1\.11\.2/);
    // Exactly the two real conflicts: nothing about Python or extras, which the image does meet.
    expect(plan.conflictsIfAlone).toHaveLength(2);
    expect(plan.conflictsIfAlone).toContainEqual({
      package: 'dbt-snowflake',
      version: '1.11.6',
      requires: 'dbt-core>=1.11.6,<2.0',
      found: '1.10.23',
    });
    expect(plan.conflictsIfAlone).toContainEqual({
      package: 'dbt-core',
      version: '1.10.23',
      requires: 'sqlparse>=0.5.0,<0.5.5',
      found: image['sqlparse'],
    });
    expect(plan.added).toEqual([]);
    expect(plan.explanation).not.toMatch(/New packages|python 3\.11\.7|\[/);
    // Everything else stays where it was.
    for (const [name, version] of Object.entries(image)) {
      if (!moved[name]) expect(plan.packages[name], name).toBe(version);
    }
  });

  it('checkImage reports the broken pin when only dbt-core is rolled back', async () => {
    const rolledAlone = { ...image, 'dbt-core': '1.10.23' };
    const check = await checkImage({ source, python: PYTHON, pins: asPins(rolledAlone) });
    expect(check.consistent).toBe(false);
    expect(check.violations).toContainEqual({
      package: 'dbt-snowflake',
      version: '1.11.6',
      requires: 'dbt-core>=1.11.6,<2.0',
      found: '1.10.23',
    });
    const planned = await checkImage({ source, python: PYTHON, pins: asPins(plan.packages) });
    expect(planned).toMatchObject({ consistent: true, violations: [], unavailable: [] });
  });

  it.skipIf(pipMissing !== null && process.env.CI !== 'true')(
    'pip accepts the planned image pinned exactly, and refuses the dbt-core-only rollback',
    async () => {
      if (pipMissing !== null) throw new Error(pipMissing);
      const planned = await pipAccepts(dir, plan.packages);
      expect(planned.ok, planned.stderr).toBe(true);
      const alone = await pipAccepts(dir, { ...image, 'dbt-core': '1.10.23' });
      expect(alone.ok).toBe(false);
      expect(alone.stderr).toMatch(/ResolutionImpossible/);
    },
    240_000,
  );
});

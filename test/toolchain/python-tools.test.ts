/**
 * The toolchain script does what the README says: each pinned program runs at its pinned version,
 * and the wheel cache alone (no index, an empty uv cache) is enough for uv to build a working dbt
 * environment, which is what every later test that runs dbt or uv relies on.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDbtVenv, dbtPins } from '../support/emitters.js';
import { pythonTools, readPins } from '../support/python-tools.js';

const run = promisify(execFile);
const tools = pythonTools('the toolchain tests', { venvs: ['tools'], wheels: ['dbt-duckdb'] });

function pinnedVersion(venv: string, name: string): string {
  const pin = readPins().venvs[venv]!.packages.find((p) => p.startsWith(`${name}==`));
  if (pin === undefined) throw new Error(`scripts/python-tools.toml pins no ${name} in venv ${venv}`);
  return pin.slice(name.length + 2);
}

describe.skipIf(tools === null)('scripts/python-tools', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'ratchet-toolchain-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('installs uv, pip and pypiserver at the versions pinned in scripts/python-tools.toml', async () => {
    const uv = await run(tools!.command('tools', 'uv'), ['--version']);
    expect(uv.stdout).toMatch(new RegExp(`^uv ${pinnedVersion('tools', 'uv').replaceAll('.', '\\.')} `));
    const pip = await run(tools!.command('tools', 'pip'), ['--version']);
    expect(pip.stdout).toMatch(new RegExp(`^pip ${pinnedVersion('tools', 'pip').replaceAll('.', '\\.')} `));
    const server = await run(tools!.command('tools', 'pypi-server'), ['--version']);
    expect(server.stdout.trim()).toBe(pinnedVersion('tools', 'pypiserver'));
  });

  it('keeps every pinned dbt-core version in the wheel cache', () => {
    const pinned = readPins()
      .wheels['dbt-duckdb']!.downloads.flat()
      .filter((r) => r.startsWith('dbt-core=='))
      .map((r) => `dbt_core-${r.slice('dbt-core=='.length)}-py3-none-any.whl`);
    expect(pinned.length).toBeGreaterThanOrEqual(2);
    expect(tools!.wheels('dbt-duckdb').files).toEqual(expect.arrayContaining(pinned));
  });

  it(
    'lets uv build a dbt environment from the wheel cache alone, offline',
    { timeout: 180_000 },
    async () => {
      const [pins] = dbtPins();
      // An empty uv cache and no index: everything comes from the wheel set.
      const bin = await buildDbtVenv(tools!, pins!, join(scratch, 'dbt'), join(scratch, 'uv-cache'));
      const dbt = await run(join(bin, 'dbt'), ['--version'], {
        env: { ...process.env, DBT_SEND_ANONYMOUS_USAGE_STATS: 'false' },
      });
      expect(dbt.stdout).toContain(`installed: ${pins!.dbtCore}`);
      expect(dbt.stdout).toMatch(/duckdb: +1\.10\./);
    },
  );
});

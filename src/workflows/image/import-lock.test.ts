/**
 * The lock files `image import` accepts, as their tools write them: uv 0.13's `uv.lock` (a
 * universal lock that forks by Python version), its PEP 751 `pylock.toml` and requirements.txt
 * export with hashes, and `pip freeze` output; each read into the pins pip would install for the
 * image's Python, consistent on the folder they were locked from (the same check as `image check`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pythonTools } from '../../../test/support/python-tools.js';
import { InputError } from '../../domain/errors/index.js';
import { openFindLinks } from '../../index/index.js';
import { checkImage } from '../../resolver/image/index.js';
import { writeDemoWheels } from './demo.js';
import { detectLockFormat, readLock } from './import-lock.js';

const tools = pythonTools('image import reads the locks uv writes', { venvs: ['tools'] });

function pinsOf(lock: ReturnType<typeof readLock>): Record<string, string> {
  return Object.fromEntries(lock.pins.map((pin) => [pin.name, pin.version]));
}

describe('readLock', () => {
  it('reads pip freeze output and refuses what is not an exact pin, naming the line', () => {
    const freeze = 'dbt-core==1.10.15\nDBT_Snowflake==1.10.3\n';
    expect(detectLockFormat(freeze)).toBe('requirements.txt');
    expect(pinsOf(readLock(freeze, 'pip-freeze'))).toEqual({
      'dbt-core': '1.10.15',
      DBT_Snowflake: '1.10.3',
    });
    expect(() => readLock('-e git+https://example.com/x.git#egg=x\n', 'pip-freeze')).toThrow(/line 1/);
    expect(() => readLock('x @ file:///tmp/x-1.0.tar.gz\n', 'pip-freeze')).toThrow(/direct URL/);
  });

  it('refuses a uv.lock package from a path or git, and a pylock package without a version', () => {
    const uvLock =
      'version = 1\n\n[[package]]\nname = "x"\nversion = "1.0"\nsource = { git = "https://example.com/x" }\n';
    expect(detectLockFormat(uvLock)).toBe('uv.lock');
    expect(() => readLock(uvLock)).toThrow(InputError);
    expect(() => readLock(uvLock)).toThrow(/not from a package index/);
    const pylock = "lock-version = '1.0'\n\n[[packages]]\nname = 'x'\n[packages.directory]\npath = '.'\n";
    expect(detectLockFormat(pylock)).toBe('pylock.toml');
    expect(() => readLock(pylock)).toThrow(/has no version/);
    expect(() => readLock('[[package', 'uv.lock')).toThrow(/not valid TOML/);
  });
});

describe.runIf(tools)('readLock on locks written by uv', () => {
  let project: string;
  let folder: string;
  const files: Record<string, string> = {};

  beforeAll(() => {
    const uv = tools!.command('tools', 'uv');
    folder = fileURLToPath(writeDemoWheels());
    project = mkdtempSync(join(tmpdir(), 'ratchet-import-lock-'));
    writeFileSync(
      join(project, 'pyproject.toml'),
      '[project]\nname = "customer-image"\nversion = "0"\nrequires-python = ">=3.11"\ndependencies = ["dbt-core==1.10.15", "dbt-snowflake==1.10.3"]\n',
    );
    const env = { ...process.env, UV_CACHE_DIR: join(project, '.cache'), UV_NO_CONFIG: '1', UV_OFFLINE: '1' };
    const source = ['--offline', '--no-index', '--find-links', folder];
    execFileSync(uv, ['lock', ...source], { cwd: project, env, stdio: 'pipe' });
    execFileSync(uv, ['export', '--format', 'pylock.toml', ...source, '-o', 'pylock.toml'], {
      cwd: project,
      env,
      stdio: 'pipe',
    });
    execFileSync(uv, ['export', '--format', 'requirements-txt', ...source, '-o', 'requirements.txt'], {
      cwd: project,
      env,
      stdio: 'pipe',
    });
    for (const name of ['uv.lock', 'pylock.toml', 'requirements.txt'])
      files[name] = readFileSync(join(project, name), 'utf8');
  }, 120_000);
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it("takes uv.lock's branch for the image's Python (its lock forks at 3.13)", () => {
    const py311 = readLock(files['uv.lock']!, detectLockFormat(files['uv.lock']!, 'uv.lock'), {
      python: '3.11',
    });
    const py313 = readLock(files['uv.lock']!, 'uv.lock', { python: '3.13' });
    expect(pinsOf(py311)['snowflake-connector-python']).toBe('3.17.2');
    expect(pinsOf(py313)['snowflake-connector-python']).toBe('3.18.0');
    // The project itself is not a pin. uv records local wheels by path, without a hash.
    expect(pinsOf(py311)['customer-image']).toBeUndefined();
    expect(py311.pins.map((pin) => pin.hashes)).toEqual(py311.pins.map(() => undefined));
  });

  it.each(['uv.lock', 'pylock.toml', 'requirements.txt'])(
    'reads the %s as a consistent image on the folder it was locked from',
    async (name) => {
      const lock = readLock(files[name]!, detectLockFormat(files[name]!, name), { python: '3.11' });
      expect(pinsOf(lock)['dbt-core']).toBe('1.10.15');
      // Only uv's PEP 751 export hashes local wheels; those hashes are the folder's files.
      if (name === 'pylock.toml')
        expect(lock.pins.every((pin) => /^sha256:[0-9a-f]{64}$/.test(pin.hashes?.[0] ?? ''))).toBe(true);
      const check = await checkImage({ source: openFindLinks(folder), python: '3.11', pins: lock.pins });
      expect(check.violations).toEqual([]);
      expect(check.unavailable).toEqual([]);
      expect(check.consistent).toBe(true);
    },
  );
});

/**
 * Image revisions record the sha256 of every pinned file from the package source, and the exports
 * carry them: pip installs the requirements.txt in hash-checking mode (`--require-hashes`) and uv
 * installs the PEP 751 pylock.toml, both offline from the folder; once a wheel is swapped for
 * other bytes under the same name, both refuse it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { parse } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, openTestStore } from '../../../test/support/engines.js';
import type { TestStore } from '../../../test/support/engines.js';
import { pythonTools } from '../../../test/support/python-tools.js';
import { buildWheel } from '../../../test/support/wheels/index.js';
import type { Actor } from '../../domain/roles/index.js';
import type { ImageContent } from '../../domain/revisions/index.js';
import type { User } from '../../domain/users/index.js';
import { seedDemo } from '../demo.js';
import { createInstance } from '../instances.js';
import { markRevisionDeployed, recordRevision } from '../revisions.js';
import { writeDemoWheels } from './demo.js';
import { acceptRollback, approveRollback, exportImage, requestRollback, setImageSource } from './index.js';

const tools = pythonTools('uv installs an exported pylock.toml', { venvs: ['tools'] });

function actorOf(user: User): Actor {
  return { userId: user.id, name: user.name, role: user.role, tenantId: user.tenantId };
}

function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** pip 23.2.1 (the machine's, as the images use), isolated from this machine's pip configuration. */
function pipRequireHashes(requirements: string, folder: string): { status: number | null; output: string } {
  const result = spawnSync(
    'python3',
    [
      '-m',
      'pip',
      'install',
      '--isolated',
      '--disable-pip-version-check',
      '--dry-run',
      '--ignore-installed',
      '--require-hashes',
      '--no-index',
      '--find-links',
      folder,
      '-r',
      requirements,
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

/** uv from the tools venv, offline, into a fresh venv and cache: it may read only the lock's paths. */
function uvInstall(uv: string, lock: string, work: string): { status: number | null; output: string } {
  const venv = mkdtempSync(join(work, 'venv-'));
  const env = {
    ...process.env,
    UV_OFFLINE: '1',
    UV_PYTHON_DOWNLOADS: 'never',
    UV_CACHE_DIR: mkdtempSync(join(work, 'uv-cache-')),
    UV_NO_CONFIG: '1',
  };
  const created = spawnSync(uv, ['venv', '--quiet', '--python', 'python3', venv], { encoding: 'utf8', env });
  if (created.status !== 0) return { status: created.status, output: created.stderr };
  const result = spawnSync(uv, ['pip', 'install', '--python', join(venv, 'bin', 'python'), '-r', lock], {
    encoding: 'utf8',
    env,
    timeout: 120_000,
  });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

describe.each(engines)('image revisions record file hashes; exports carry them (%s)', (engine) => {
  let t: TestStore;
  let work: string;
  let wheels: string;
  let content: ImageContent;
  let requirements: string;
  let pylock: string;

  beforeAll(async () => {
    t = await openTestStore(engine);
    const seed = await seedDemo(t.store);
    const bea = actorOf(seed.users.bea.user);
    const pete = actorOf(seed.users.providerEngineer.user);
    work = mkdtempSync(join(tmpdir(), 'ratchet-export-hashes-'));
    // A folder of this test's own (it tampers with it), on the machine's Python so pip and uv can install.
    wheels = join(work, 'wheels');
    const source = writeDemoWheels(wheels);
    const lab = await createInstance(t.store, pete, { tenant: 'acme', name: 'acme-lab', kind: 'test' });
    await setImageSource(t.store, pete, { instance: lab.id, source });
    const first = await recordRevision(t.store, pete, {
      instance: lab.id,
      layer: 'image',
      reason: 'Onboarding',
      content: {
        python: '3.11',
        platform: '3.4.0',
        index: source,
        packages: [
          { name: 'dbt-core', version: '1.11.0' },
          { name: 'dbt-snowflake', version: '1.11.0' },
          { name: 'dbt-adapters', version: '1.22.2' },
          { name: 'dbt-common', version: '1.37.2' },
          { name: 'snowflake-connector-python', version: '4.0.0' },
        ],
      },
    });
    await markRevisionDeployed(t.store, pete, { instance: lab.id, layer: 'image', number: first.number });
    const request = await requestRollback(t.store, bea, {
      instance: lab.id,
      package: 'dbt-core',
      target: '==1.10.15',
      reason: 'Incremental models broke on 1.11',
    });
    await approveRollback(t.store, pete, { id: request.id, reason: 'Reviewed' });
    await acceptRollback(t.store, bea, { id: request.id, reportHash: request.reportHash });
    const exported = await exportImage(t.store, bea, {
      instance: lab.id,
      revision: 2,
      format: 'requirements.txt',
    });
    const locked = await exportImage(t.store, bea, { instance: lab.id, revision: 2, format: 'pylock.toml' });
    expect(exported.unhashed).toEqual([]);
    requirements = join(work, 'requirements.txt');
    pylock = join(work, 'pylock.toml');
    writeFileSync(requirements, exported.text);
    writeFileSync(pylock, locked.text);
    content = (await t.store.repos.revisions.get(lab.id, 'image', 2))!.content as ImageContent;
  }, 120_000);
  afterAll(async () => {
    await t.destroy();
    rmSync(work, { recursive: true, force: true });
  });

  it('records each pin with its wheel, sha256 read from the folder, URL and size', () => {
    expect(content.packages.map((p) => `${p.name}==${p.version}`).sort()).toEqual([
      'dbt-adapters==1.22.2',
      'dbt-common==1.37.2',
      'dbt-core==1.10.15',
      'dbt-snowflake==1.10.3',
      'snowflake-connector-python==3.17.2',
    ]);
    for (const pin of content.packages) {
      const [file, ...others] = pin.files ?? [];
      expect(others, pin.name).toEqual([]);
      const path = join(wheels, file!.filename);
      expect(file).toEqual({
        filename: expect.stringMatching(
          new RegExp(`^${pin.name.replace(/-/g, '_')}-${pin.version}-.*\\.whl$`),
        ),
        url: `file://${path}`,
        sha256: sha256Of(path),
        size: readFileSync(path).length,
        kind: 'wheel',
      });
    }
  });

  it('writes --hash=sha256 lines and a pylock.toml with paths, sizes and hashes', () => {
    const text = readFileSync(requirements, 'utf8');
    const core = content.packages.find((p) => p.name === 'dbt-core')!.files![0]!;
    expect(text).toContain(`dbt-core==1.10.15 \\\n    --hash=sha256:${core.sha256}\n`);
    const lock = parse(readFileSync(pylock, 'utf8')) as { packages: Record<string, unknown>[] };
    expect(lock.packages.find((p) => p.name === 'dbt-core')).toMatchObject({
      version: '1.10.15',
      wheels: [
        {
          name: core.filename,
          path: join(wheels, core.filename),
          size: core.size,
          hashes: { sha256: core.sha256 },
        },
      ],
    });
  });

  it('pip --require-hashes accepts the requirements.txt offline', () => {
    const run = pipRequireHashes(requirements, wheels);
    expect(run.output, run.output).toMatch(/Would install .*dbt-core-1\.10\.15/);
    expect(run.status).toBe(0);
  });

  it.skipIf(tools === null)('uv installs the pylock.toml offline', () => {
    const run = uvInstall(tools!.command('tools', 'uv'), pylock, work);
    expect(run.status, run.output).toBe(0);
    expect(run.output).toMatch(/\+ dbt-core==1\.10\.15/);
  });

  it('both refuse a wheel swapped for other bytes under the same name', () => {
    const core = content.packages.find((p) => p.name === 'dbt-core')!.files![0]!;
    const tampered = buildWheel(work, {
      name: 'dbt-core',
      version: '1.10.15',
      summary: 'the same name, other bytes',
    });
    writeFileSync(join(wheels, core.filename), readFileSync(join(work, tampered)));
    expect(sha256Of(join(wheels, core.filename))).not.toBe(core.sha256);
    const pip = pipRequireHashes(requirements, wheels);
    expect(pip.status).not.toBe(0);
    expect(pip.output).toMatch(/THESE PACKAGES DO NOT MATCH THE HASHES/);
    if (tools !== null) {
      const uv = uvInstall(tools.command('tools', 'uv'), pylock, work);
      expect(uv.status, uv.output).not.toBe(0);
      expect(uv.output).toMatch(/hash/i);
    }
  });
});

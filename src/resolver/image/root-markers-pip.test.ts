import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFindLinks } from '../../index/index.js';
import { normalizeName } from '../../python/index.js';
import { buildFindLinksFromUniverse } from '../../../test/support/wheels/index.js';
import type { Universe, UniverseRelease } from '../../../test/support/wheels/index.js';
import { pick, seededRandom } from '../testing/index.js';
import { checkImage, planImageChange, resolveRequirements } from './index.js';

/**
 * Markers on root requirements, against pip 23.2.1: pip ignores a requirement whose marker is false
 * for its interpreter ("Ignoring x: markers ... don't match your environment") and resolves the
 * rest. Ratchet is given pip's own interpreter as the image (its full Python version, Linux x86_64
 * CPython), so every marker variable below has the same value on both sides; platform_release and
 * platform_version are left out (Ratchet's are placeholders).
 */

const SEED = 0x600d_508;
const UNIVERSES = 16;
const PIP_TIMEOUT_MS = 60_000;

const NAMES = ['tumnim', 'obsordol', 'Kal_Vex', 'mirro.lib', 'pell'];
const VERSIONS = ['1.0', '1.5', '2.0', '10.0', '11.0'];
// Over the whole environment: versions, platform, machine, os, implementation, and `extra`, which
// pip sets to '' at the root (so `extra == "dev"` is false there).
const ROOT_MARKERS = [
  '',
  '',
  'python_version < "3.10"',
  'python_version >= "3.11"',
  'python_full_version >= "3.11.7"',
  'python_full_version < "3.11.7"',
  'sys_platform == "win32"',
  'sys_platform == "linux"',
  'platform_machine == "x86_64"',
  'platform_machine == "aarch64"',
  'os_name == "nt"',
  'os_name == "posix"',
  'implementation_name == "pypy"',
  'platform_python_implementation == "CPython"',
  'platform_system != "Linux"',
  'extra == "dev"',
  'python_version >= "3.8" and sys_platform != "win32"',
  'sys_platform == "darwin" or python_version > "3.10"',
];

interface Case {
  readonly name: string;
  readonly universe: Universe;
  readonly requires: readonly string[];
}

function randomSpecifier(random: () => number): string {
  const v = (): string => pick(random, VERSIONS);
  return pick(random, [
    () => '',
    () => `>=${v()}`,
    () => `<${v()}`,
    () => `==${v()}`,
    () => `!=${v()}`,
    () => '>=9999',
  ])();
}

function randomCase(random: () => number, index: number): Case {
  const universe: Record<string, Record<string, UniverseRelease>> = {};
  for (const name of NAMES) {
    const versions = VERSIONS.filter(() => random() < 0.6);
    if (versions.length === 0) versions.push(pick(random, VERSIONS));
    const releases: Record<string, UniverseRelease> = {};
    for (const version of versions) {
      const requiresDist: string[] = [];
      if (random() < 0.5) {
        const target = pick(random, NAMES);
        if (target !== name) requiresDist.push(`${target}${randomSpecifier(random)}`);
      }
      releases[version] = { requires_dist: requiresDist };
    }
    universe[name] = releases;
  }
  const roots = [...NAMES].sort(() => random() - 0.5).slice(0, 2 + Math.floor(random() * 3));
  const requires = roots.map((root) => {
    const marker = pick(random, ROOT_MARKERS);
    return `${root}${randomSpecifier(random)}${marker === '' ? '' : ` ; ${marker}`}`;
  });
  return { name: `universe-${String(index).padStart(2, '0')}`, universe, requires };
}

interface PipAnswer {
  readonly outcome: 'solved' | 'impossible' | 'error';
  readonly packages: Record<string, string> | null;
  /** Normalized names pip reported as "Ignoring x: markers ... don't match your environment". */
  readonly ignored: readonly string[];
  readonly stderr: string;
}

function pipInstall(dir: string, requirements: readonly string[]): Promise<PipAnswer> {
  const args = ['-m', 'pip', 'install', '--isolated', '--disable-pip-version-check', '--no-index'];
  args.push('--find-links', dir, '--dry-run', '--ignore-installed', '--report', '-', ...requirements);
  return new Promise((resolve) => {
    execFile('python3', args, { timeout: PIP_TIMEOUT_MS, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      // Without --quiet (which would hide "Ignoring ..."), pip logs to stdout before the report.
      const ignored = [...`${stdout}\n${stderr}`.matchAll(/Ignoring (\S+): markers/g)]
        .map((m) => normalizeName(m[1]!))
        .sort();
      if (!error) {
        let report: { install: { metadata: { name: string; version: string } }[] };
        try {
          // The report is the block from a line '{' to a line '}'; "Would install ..." follows it.
          report = JSON.parse(/^\{[\s\S]*^\}$/m.exec(stdout)?.[0] ?? '') as typeof report;
        } catch {
          resolve({ outcome: 'error', packages: null, ignored, stderr: `unreadable report: ${stdout}` });
          return;
        }
        const packages = Object.fromEntries(
          report.install
            .map(({ metadata }) => [normalizeName(metadata.name), metadata.version] as const)
            .sort(([a], [b]) => (a < b ? -1 : 1)),
        );
        resolve({ outcome: 'solved', packages, ignored, stderr });
        return;
      }
      const impossible = /ResolutionImpossible|No matching distribution found/.test(stderr);
      resolve({ outcome: impossible ? 'impossible' : 'error', packages: null, ignored, stderr });
    });
  });
}

/** pip's interpreter, when it is the environment Ratchet models (Linux x86_64 CPython). */
function pipInterpreter(): { python: string } | { missing: string } {
  const probe = spawnSync(
    'python3',
    [
      '-c',
      'import platform, sys, pip; print(platform.python_version(), sys.platform, platform.machine(), sys.implementation.name)',
    ],
    { encoding: 'utf8' },
  );
  if (probe.status !== 0)
    return { missing: `python3 -m pip is not available: ${probe.stderr || String(probe.error)}` };
  const [python, platform, machine, implementation] = probe.stdout.trim().split(' ');
  if (platform !== 'linux' || machine !== 'x86_64' || implementation !== 'cpython') {
    return {
      missing: `pip runs on ${platform!} ${machine!} ${implementation!}, not the Linux x86_64 CPython an image is`,
    };
  }
  return { python: python! };
}

const interpreter = pipInterpreter();
if ('missing' in interpreter) {
  if (process.env.CI === 'true') {
    it('needs pip on Linux x86_64 CPython for the root-marker differential test in CI', () => {
      throw new Error(interpreter.missing);
    });
  } else console.log(`Skipping the root-marker differential test: ${interpreter.missing}`);
}

describe.skipIf('missing' in interpreter)('root requirements with markers vs pip 23.2.1', () => {
  const python = 'python' in interpreter ? interpreter.python : '3.11.7';
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'ratchet-root-markers-'));
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  function folder(name: string, universe: Universe): string {
    const dir = path.join(workDir, name);
    mkdirSync(dir, { recursive: true });
    buildFindLinksFromUniverse(dir, universe);
    return dir;
  }

  it('the issue\'s case: tumnim<11 with obsordol>=9999 ; python_version < "3.10" installs tumnim', async () => {
    const dir = folder('tumnim', { tumnim: { '10.0': {}, '11.0': {} }, obsordol: { '1.0': {} } });
    const requires = ['tumnim<11', 'obsordol>=9999 ; python_version < "3.10"'];
    const ratchet = await resolveRequirements({
      source: openFindLinks(dir),
      python: '3.11',
      requirements: requires,
    });
    const pip = await pipInstall(dir, requires);
    expect(pip).toMatchObject({ outcome: 'solved', packages: { tumnim: '10.0' }, ignored: ['obsordol'] });
    expect(ratchet).toMatchObject({ satisfiable: true, packages: { tumnim: '10.0' } });
    expect(ratchet.ignored).toEqual([
      expect.objectContaining({
        role: 'request',
        marker: 'python_version < "3.10"',
        reason: expect.stringMatching(/false for CPython 3\.11\.0 on linux x86_64/),
      }),
    ]);
  });

  it('drops lock pins, --set requests and keep entries whose marker is false; keeps the others', async () => {
    const dir = folder('lock', {
      tumnim: { '10.0': {}, '11.0': {} },
      obsordol: { '1.0': {}, '2.0': {} },
      colorama: { '0.4.6': {} },
    });
    const source = openFindLinks(dir);
    const pins = [
      { name: 'tumnim', version: '11.0' },
      // Pinned twice under exclusive markers, as pip-compile writes for two Pythons: one applies.
      { name: 'obsordol', version: '1.0', marker: 'python_version < "3.10"' },
      { name: 'obsordol', version: '2.0', marker: 'python_version >= "3.10"' },
      { name: 'colorama', version: '0.4.6', marker: 'sys_platform == "win32"' },
    ];
    const check = await checkImage({ source, python: '3.11', pins });
    expect(check.consistent).toBe(true);
    expect(check.ignored.map((entry) => entry.requirement)).toEqual([
      'obsordol==1.0 ; python_version < "3.10"',
      'colorama==0.4.6 ; sys_platform == "win32"',
    ]);
    const plan = await planImageChange({
      source,
      python: '3.11',
      pins,
      requests: ['tumnim==10.0', 'obsordol==1.0 ; os_name == "nt"'],
      keep: ['obsordol ; platform_machine == "aarch64"'],
    });
    expect(plan.feasible).toBe(true);
    expect(plan.changes).toEqual([{ name: 'tumnim', from: '11.0', to: '10.0', requested: true }]);
    expect(plan.packages).toEqual({ obsordol: '2.0', tumnim: '10.0' });
    expect(plan.ignored.map((entry) => entry.role).sort()).toEqual(['keep', 'pin', 'pin', 'request']);
    // The same keep entry with a true marker holds its package, so it meets the request on it.
    await expect(
      planImageChange({
        source,
        python: '3.11',
        pins,
        requests: ['obsordol==1.0'],
        keep: ['obsordol ; platform_machine == "x86_64"'],
      }),
    ).rejects.toThrow(/obsordol is both requested to change and to be kept/);
  });

  const cases = Array.from({ length: UNIVERSES }, (_, i) => randomCase(seededRandom(SEED + i), i));
  const outcomes = new Map<
    string,
    { ratchet: Awaited<ReturnType<typeof resolveRequirements>>; pip: PipAnswer; pinned: PipAnswer | null }
  >();

  beforeAll(async () => {
    for (const testCase of cases) {
      const dir = folder(testCase.name, testCase.universe);
      const ratchet = await resolveRequirements({
        source: openFindLinks(dir),
        python,
        requirements: testCase.requires,
      });
      const pip = await pipInstall(dir, testCase.requires);
      const pins = Object.entries(ratchet.packages).map(([name, version]) => `${name}==${version}`);
      // pip refuses to run without a requirement; an empty solution needs no proof.
      const pinned = ratchet.satisfiable && pins.length > 0 ? await pipInstall(dir, pins) : null;
      outcomes.set(testCase.name, { ratchet, pip, pinned });
    }
  }, 600_000);

  it.each(cases.map((testCase) => [testCase.name, testCase] as const))('%s', (_name, testCase) => {
    const { ratchet, pip, pinned } = outcomes.get(testCase.name)!;
    const context = JSON.stringify(
      { requires: testCase.requires, ratchet, pip: { ...pip, stderr: pip.stderr.slice(-2000) }, pinned },
      null,
      1,
    );
    // Both leave out exactly the same root requirements.
    expect(
      ratchet.ignored.map((entry) => normalizeName(entry.requirement.split(/[<>=!~ ;[]/)[0]!)).sort(),
      context,
    ).toEqual(pip.ignored);
    if (pip.outcome === 'solved') expect(ratchet.satisfiable, context).toBe(true);
    if (ratchet.satisfiable) {
      if (pinned === null) expect(pip.packages, context).toEqual({});
      else {
        expect(pinned.outcome, context).toBe('solved');
        expect(pinned.packages, context).toEqual(ratchet.packages);
      }
    } else {
      expect(pip.outcome, context).toBe('impossible');
    }
  });

  it('the random cases ignore something and reach both answers', () => {
    const all = [...outcomes.values()];
    expect(all.filter((o) => o.ratchet.ignored.length > 0).length).toBeGreaterThanOrEqual(UNIVERSES / 2);
    expect(all.filter((o) => o.ratchet.satisfiable).length).toBeGreaterThanOrEqual(UNIVERSES / 4);
    expect(all.filter((o) => !o.ratchet.satisfiable).length).toBeGreaterThanOrEqual(1);
  });
});

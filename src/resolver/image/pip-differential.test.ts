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
import { checkImage, resolveRequirements } from './index.js';

/**
 * Differential test against pip 23.2.1 (the installer of the customer images) on random find-links
 * folders. pip's resolver is incomplete (resolvelib #134/#206, pip #12229), so a disagreement is
 * decided by proof: a solution counts when pip accepts it pinned exactly, dependencies checked.
 */

const SEED = 0x5eed_440;
const UNIVERSES = 36;
const PIP_TIMEOUT_MS = 60_000;
const PIP_CONCURRENCY = 2;

const NAMES = ['alpha', 'Beta-Lib', 'gamma_core', 'delta.utils', 'epsilon', 'zeta-io', 'eta', 'theta'];
const VERSION_POOL = ['0.9', '1.0', '1.0.1', '1.1', '1.2.0', '2.0', '2.1', '3.0'];
const REQUIRES_PYTHON = ['>=3.8', '>=3.12', '<3.11', '>=3.11,<3.12', '!=3.11.*', '~=3.10', '>=3.11.8'];
const MARKERS = ['', '', '', '', ' ; python_version >= "3.12"', ' ; python_version >= "3.8"'];

/**
 * pip aborts instead of answering when it meets these: it reads Requires-Python of a find-links
 * wheel only from the wheel's METADATA, after choosing it, and then stops with "requires a
 * different Python" rather than backtracking; InconsistentCandidate is pip #12229.
 */
const KNOWN_PIP_ABORTS = /requires a different Python|InconsistentCandidate/;

interface Case {
  readonly index: number;
  readonly name: string;
  readonly universe: Universe;
  readonly requires: readonly string[];
}

/** Another spelling of the same project (PEP 503 normalization must make them one). */
function respell(random: () => number, name: string): string {
  const spellings = [name, name.toUpperCase(), name.replace(/[-_.]/g, '_'), name.replace(/[-_.]/g, '-')];
  return pick(random, spellings);
}

function randomSpecifier(random: () => number): string {
  const v = (): string => pick(random, VERSION_POOL);
  const major = (): string => pick(random, ['0', '1', '2', '3']);
  const kinds: (() => string)[] = [
    () => '',
    () => `>=${v()}`,
    () => `<${v()}`,
    () => `<=${v()}`,
    () => `>${v()}`,
    () => `==${v()}`,
    () => `!=${v()}`,
    () => `~=${v()}`,
    () => `==${major()}.*`,
    () => `!=${major()}.*`,
    () => {
      const [low, high] = [v(), v()].sort((a, b) => VERSION_POOL.indexOf(a) - VERSION_POOL.indexOf(b));
      return `>=${low!},<${high!}`;
    },
  ];
  return pick(random, kinds)();
}

function randomCase(random: () => number, index: number): Case {
  const count = 4 + Math.floor(random() * 5);
  const names = NAMES.slice(0, count);
  const universe: Record<string, Record<string, UniverseRelease>> = {};
  for (const name of names) {
    const versionCount = 2 + Math.floor(random() * 4);
    const versions = [...VERSION_POOL]
      .sort(() => random() - 0.5)
      .slice(0, versionCount)
      .sort((a, b) => VERSION_POOL.indexOf(a) - VERSION_POOL.indexOf(b));
    const releases: Record<string, UniverseRelease> = {};
    for (const version of versions) {
      const requiresDist: string[] = [];
      const depCount = Math.floor(random() * 4);
      for (let i = 0; i < depCount; i++) {
        const target = pick(random, names);
        if (target === name) continue;
        requiresDist.push(`${respell(random, target)}${randomSpecifier(random)}${pick(random, MARKERS)}`);
      }
      releases[version] = {
        requires_dist: requiresDist,
        requires_python: random() < 0.15 ? pick(random, REQUIRES_PYTHON) : null,
      };
    }
    universe[name] = releases;
  }
  const roots = [...names].sort(() => random() - 0.5).slice(0, 1 + Math.floor(random() * 3));
  const requires = roots.map((root) => `${respell(random, root)}${randomSpecifier(random)}`);
  return { index, name: `universe-${String(index).padStart(2, '0')}`, universe, requires };
}

interface PipAnswer {
  /** Normalized name -> version; null when pip found no solution or failed. */
  readonly packages: Record<string, string> | null;
  /** `impossible` = ResolutionImpossible or no matching distribution; `error` = anything else. */
  readonly outcome: 'solved' | 'impossible' | 'error';
  readonly stderr: string;
}

function pipInstall(dir: string, requirements: readonly string[]): Promise<PipAnswer> {
  const args = [
    '-m',
    'pip',
    'install',
    '--quiet',
    '--isolated',
    '--disable-pip-version-check',
    '--no-index',
    '--find-links',
    dir,
    '--dry-run',
    '--ignore-installed',
    '--report',
    '-',
    ...requirements,
  ];
  return new Promise((resolve) => {
    execFile('python3', args, { timeout: PIP_TIMEOUT_MS, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (!error) {
        const report = JSON.parse(stdout) as { install: { metadata: { name: string; version: string } }[] };
        const packages = Object.fromEntries(
          report.install
            .map(({ metadata }) => [normalizeName(metadata.name), metadata.version] as const)
            .sort(([a], [b]) => (a < b ? -1 : 1)),
        );
        resolve({ packages, outcome: 'solved', stderr });
        return;
      }
      const impossible = /ResolutionImpossible|No matching distribution found/.test(stderr);
      resolve({
        packages: null,
        outcome: impossible ? 'impossible' : 'error',
        stderr: stderr || String(error),
      });
    });
  });
}

async function inPool<T>(
  items: readonly T[],
  width: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: width }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}

interface Outcome {
  readonly ratchet: { satisfiable: boolean; packages: Record<string, string>; explanation: string | null };
  readonly pip: PipAnswer;
  /** pip on Ratchet's solution pinned exactly (null when Ratchet found none). */
  readonly pinned: PipAnswer | null;
  /** Ratchet's `checkImage` on pip's solution (null when pip found none). */
  readonly pipSolutionConsistent: boolean | null;
}

function pythonOfPip(): { python: string } | { missing: string } {
  const probe = spawnSync('python3', ['-c', 'import platform, pip; print(platform.python_version())'], {
    encoding: 'utf8',
  });
  if (probe.status !== 0)
    return { missing: `python3 -m pip is not available: ${probe.stderr || probe.error}` };
  return { python: probe.stdout.trim() };
}

const interpreter = pythonOfPip();
const cases = Array.from({ length: UNIVERSES }, (_, i) => randomCase(seededRandom(SEED + i), i));

if ('missing' in interpreter) {
  if (process.env.CI === 'true') {
    it('needs pip for the differential test in CI', () => {
      throw new Error(interpreter.missing);
    });
  } else {
    console.log(`Skipping the pip differential test: ${interpreter.missing}`);
  }
}

describe.skipIf('missing' in interpreter)('resolveRequirements vs pip 23.2.1 (random find-links)', () => {
  const python = 'python' in interpreter ? interpreter.python : '3.11';
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'ratchet-pip-diff-'));
  const outcomes = new Map<string, Outcome>();
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  beforeAll(async () => {
    await inPool(cases, PIP_CONCURRENCY, async (testCase) => {
      const dir = path.join(workDir, testCase.name);
      mkdirSync(dir, { recursive: true });
      buildFindLinksFromUniverse(dir, testCase.universe);
      const source = openFindLinks(dir);
      const ratchet = await resolveRequirements({ source, python, requirements: testCase.requires });
      const pip = await pipInstall(dir, testCase.requires);
      const pins = Object.entries(ratchet.packages).map(([name, version]) => `${name}==${version}`);
      // When pip resolved to the very same set, its own answer already proves it accepts it; the
      // pinned run is still made for every other case, so that path stays exercised (and cheap).
      const same = pip.packages !== null && JSON.stringify(pip.packages) === JSON.stringify(ratchet.packages);
      const reuse = same && testCase.index % 2 === 1;
      const pinned = !ratchet.satisfiable ? null : reuse ? pip : await pipInstall(dir, pins);
      const pipSolutionConsistent = pip.packages
        ? (
            await checkImage({
              source,
              python,
              pins: Object.entries(pip.packages).map(([name, version]) => ({ name, version })),
            })
          ).consistent
        : null;
      outcomes.set(testCase.name, { ratchet, pip, pinned, pipSolutionConsistent });
    });
  }, 600_000);

  it.each(cases.map((testCase) => [testCase.name, testCase] as const))('%s', (_name, testCase) => {
    const outcome = outcomes.get(testCase.name)!;
    const { ratchet, pip, pinned } = outcome;
    const context = JSON.stringify({ requires: testCase.requires, ratchet, pip, pinned }, null, 1);
    // Every solution Ratchet returns must install with pip, pinned exactly, nothing added.
    if (ratchet.satisfiable) {
      expect(pinned?.outcome, context).toBe('solved');
      expect(pinned?.packages, context).toEqual(ratchet.packages);
    }
    // Every solution pip finds is one Ratchet calls consistent, so Ratchet cannot say "impossible".
    if (pip.outcome === 'solved') {
      expect(outcome.pipSolutionConsistent, context).toBe(true);
      expect(ratchet.satisfiable, context).toBe(true);
    }
    if (!ratchet.satisfiable) {
      expect(ratchet.explanation, context).toMatch(/\S/);
      // pip cannot always give a verdict; only its known aborts are accepted as "no answer".
      if (pip.outcome === 'error') expect(pip.stderr, context).toMatch(KNOWN_PIP_ABORTS);
      else expect(pip.outcome, context).toBe('impossible');
    }
  });

  it('covers both answers and reports where pip is incomplete', () => {
    const all = [...outcomes.values()];
    const satisfiable = all.filter((o) => o.ratchet.satisfiable).length;
    const pipIncomplete = cases.filter((c) => {
      const o = outcomes.get(c.name)!;
      return o.ratchet.satisfiable && o.pip.outcome !== 'solved' && o.pinned?.outcome === 'solved';
    });
    const pipAborted = cases.filter((c) => outcomes.get(c.name)!.pip.outcome === 'error');
    const sameSolution = all.filter(
      (o) => o.ratchet.satisfiable && JSON.stringify(o.ratchet.packages) === JSON.stringify(o.pip.packages),
    ).length;
    console.log(
      `pip differential (seed ${SEED}, python ${python}): ${all.length} universes, ${satisfiable} satisfiable, ` +
        `${all.length - satisfiable} unsatisfiable; same solution as pip in ${sameSolution}; ` +
        `pip said impossible/failed but accepted Ratchet's pinned solution in ${pipIncomplete.length}` +
        (pipIncomplete.length > 0 ? ` (${pipIncomplete.map((c) => c.name).join(', ')})` : '') +
        `; pip aborted without a verdict in ${pipAborted.length}` +
        (pipAborted.length > 0 ? ` (${pipAborted.map((c) => c.name).join(', ')})` : ''),
    );
    expect(all).toHaveLength(UNIVERSES);
    // The generator must exercise both answers, or the agreement above proves little.
    expect(satisfiable).toBeGreaterThanOrEqual(UNIVERSES / 4);
    expect(all.length - satisfiable).toBeGreaterThanOrEqual(UNIVERSES / 6);
  });
});

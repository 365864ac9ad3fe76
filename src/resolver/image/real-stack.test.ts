/**
 * The resolver on real packages (issue 15, item 4): the pinned dbt + Snowflake + Airflow-provider
 * wheel set (scripts/python-tools.toml `dbt-snowflake-stack`, downloaded with `pip download` for
 * Python 3.11). Against pip (the machine's 23.2.1 and the current one in the tools venv) and uv
 * (`uv pip compile --offline --no-index`): the same satisfiable / unsatisfiable answers, and every
 * solution Ratchet finds is accepted by all three when pinned exactly. Real rollback plans are
 * checked against an exhaustive search (src/resolver/testing/exact-plan.ts).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFindLinks } from '../../index/index.js';
import type { PackageSource } from '../../index/index.js';
import { parseSpecifierSet } from '../../python/specifier/index.js';
import { pythonTools } from '../../../test/support/python-tools.js';
import { PYTHON, createPythonProvider } from '../python-provider/index.js';
import { exactBestPlan, exploreGraph } from '../testing/index.js';
import type { DependencyGraph } from '../testing/index.js';
import type { Dependency } from '../types.js';
import { checkImage, planImageChange, resolveRequirements } from './index.js';

const tools = pythonTools('the real-stack resolver tests', {
  venvs: ['tools'],
  wheels: ['dbt-snowflake-stack'],
});

// The machine's interpreter: pip judges markers and Requires-Python for the Python running it.
const PYTHON_VERSION = '3.11.7';
// pip backtracks for minutes on the Airflow cases (up to 5 min seen under load).
const PEER_TIMEOUT_MS = 900_000;

/** Root requirement sets over the real stack, satisfiable and not. */
const CASES: readonly (readonly string[])[] = [
  ['dbt-core', 'dbt-snowflake'],
  ['dbt-core==1.9.*', 'dbt-snowflake'],
  ['dbt-core==1.10.*', 'dbt-snowflake>=1.11'],
  ['dbt-snowflake==1.9.*', 'snowflake-connector-python>=4'],
  ['dbt-snowflake', 'snowflake-connector-python==3.15.0'],
  ['apache-airflow-providers-snowflake', 'dbt-snowflake==1.10.*'],
  ['apache-airflow-providers-snowflake==6.3.1', 'dbt-core==1.10.*'],
  ['dbt-core==1.11.*', 'apache-airflow-providers-snowflake'],
  ['dbt-adapters<1.0'],
];

interface PeerAnswer {
  satisfiable: boolean;
  detail: string;
}

function runPeer(
  command: string,
  args: readonly string[],
  env?: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      command,
      [...args],
      { timeout: PEER_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 64 << 20, env: env ?? process.env },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

/** pip's answer; a crash or an abort that is neither yes nor no fails the test with pip's words. */
async function pipAnswer(python: string, dir: string, requirements: readonly string[]): Promise<PeerAnswer> {
  const run = await runPeer(python, [
    '-m',
    'pip',
    'install',
    '--isolated',
    '--disable-pip-version-check',
    '--quiet',
    '--dry-run',
    '--ignore-installed',
    '--no-index',
    '--find-links',
    dir,
    '--only-binary',
    ':all:',
    '--report',
    '-',
    ...requirements,
  ]);
  if (run.code === 0)
    return {
      satisfiable: true,
      detail: `${(JSON.parse(run.stdout) as { install: unknown[] }).install.length} packages`,
    };
  if (/ResolutionImpossible|No matching distribution found/.test(run.stderr))
    return { satisfiable: false, detail: run.stderr.trim().split('\n').at(-1)! };
  throw new Error(`pip (${python}) neither solved nor refused ${requirements.join(' ')}:\n${run.stderr}`);
}

async function uvAnswer(
  uv: string,
  dir: string,
  scratch: string,
  requirements: readonly string[],
): Promise<PeerAnswer> {
  const input = path.join(scratch, `requirements-${Math.random().toString(36).slice(2)}.in`);
  writeFileSync(input, requirements.map((r) => `${r}\n`).join(''));
  const run = await runPeer(
    uv,
    [
      'pip',
      'compile',
      '--offline',
      '--no-index',
      '--find-links',
      dir,
      '--python-version',
      PYTHON_VERSION,
      // The machine's platform, as pip uses: uv's named linux targets assume manylinux_2_28, older
      // than the cryptography wheel here (manylinux_2_34).
      '--no-header',
      '--quiet',
      input,
    ],
    { ...process.env, UV_CACHE_DIR: path.join(scratch, 'uv-cache'), UV_NO_CONFIG: '1', UV_OFFLINE: '1' },
  );
  if (run.code === 0) return { satisfiable: true, detail: run.stdout };
  if (/No solution found/.test(run.stderr)) return { satisfiable: false, detail: run.stderr };
  throw new Error(`uv neither solved nor refused ${requirements.join(' ')}:\n${run.stderr}`);
}

function requestOn(pkg: string, specifier: string): Dependency {
  const set = parseSpecifierSet(specifier);
  return { package: pkg, constraint: specifier, allows: (version) => set.contains(version) };
}

describe.skipIf(tools === null)('the real dbt + Snowflake + Airflow stack', () => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'ratchet-real-stack-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  let dir: string;
  let source: PackageSource;

  beforeAll(() => {
    dir = tools!.wheels('dbt-snowflake-stack').path;
    source = openFindLinks(dir);
  });

  describe.each(CASES.map((requirements) => ({ requirements, label: requirements.join(' ') })))(
    '$label',
    ({ requirements }) => {
      it(
        "gets the same yes/no from Ratchet, both pips and uv, and Ratchet's answer pinned is accepted by all three",
        { timeout: 4 * PEER_TIMEOUT_MS },
        async () => {
          const ours = await resolveRequirements({ source, python: PYTHON_VERSION, requirements });
          const [machinePip, currentPip, uv] = await Promise.all([
            pipAnswer('python3', dir, requirements),
            pipAnswer(tools!.venv('tools').python, dir, requirements),
            uvAnswer(tools!.command('tools', 'uv'), dir, scratch, requirements),
          ]);
          const answers = {
            ratchet: ours.satisfiable,
            machinePip: machinePip.satisfiable,
            currentPip: currentPip.satisfiable,
            uv: uv.satisfiable,
          };
          expect(
            answers,
            `${ours.explanation ?? ''}\n${machinePip.detail}\n${currentPip.detail}\n${uv.detail}`,
          ).toEqual({
            ratchet: ours.satisfiable,
            machinePip: ours.satisfiable,
            currentPip: ours.satisfiable,
            uv: ours.satisfiable,
          });
          if (!ours.satisfiable) return;
          const pinned = Object.entries(ours.packages).map(([name, version]) => `${name}==${version}`);
          // The exact pins, with the roots (their extras and markers) alongside.
          const [machinePinned, currentPinned, uvPinned] = await Promise.all([
            pipAnswer('python3', dir, [...requirements, ...pinned]),
            pipAnswer(tools!.venv('tools').python, dir, [...requirements, ...pinned]),
            uvAnswer(tools!.command('tools', 'uv'), dir, scratch, [...requirements, ...pinned]),
          ]);
          expect([machinePinned.satisfiable, currentPinned.satisfiable, uvPinned.satisfiable]).toEqual([
            true,
            true,
            true,
          ]);
          // Nothing extra came in: the pinned set is closed under its dependencies.
          const check = await checkImage({
            source,
            python: PYTHON_VERSION,
            pins: Object.entries(ours.packages).map(([name, version]) => ({ name, version })),
          });
          expect(check.consistent).toBe(true);
        },
      );
    },
  );

  describe('rollback plans, checked by exhaustive search', () => {
    let image: Map<string, string>;
    let graph: DependencyGraph;

    beforeAll(async () => {
      const resolved = await resolveRequirements({
        source,
        python: PYTHON_VERSION,
        requirements: ['dbt-core', 'dbt-snowflake', 'apache-airflow-providers-snowflake'],
      });
      expect(resolved.satisfiable, resolved.explanation ?? '').toBe(true);
      image = new Map(Object.entries(resolved.packages));
      const provider = createPythonProvider({ source, python: PYTHON_VERSION });
      graph = await exploreGraph(provider, [...image.keys(), PYTHON]);
    }, 300_000);

    async function checkedPlan(
      pkg: string,
      specifier: string,
    ): Promise<Awaited<ReturnType<typeof planImageChange>>> {
      const plan = await planImageChange({
        source,
        python: PYTHON_VERSION,
        pins: [...image].map(([name, version]) => ({ name, version })),
        requests: [`${pkg}${specifier}`],
      });
      expect(plan.feasible, plan.explanation ?? '').toBe(true);
      const moved = plan.changes.filter((c) => !c.requested).length;
      const place = (name: string, version: string): number => graph.versions.get(name)!.indexOf(version);
      const distance = plan.changes.reduce(
        (sum, c) => sum + Math.abs(place(c.name, c.to) - place(c.name, c.from)),
        0,
      );
      const pins = new Map([...image, [PYTHON, PYTHON_VERSION]]);
      const exact = exactBestPlan(graph, pins, [requestOn(pkg, specifier)], moved);
      expect(exact, 'the exhaustive search found no plan with as few moved pins').not.toBeNull();
      expect({ changedPins: moved, distance }).toEqual({
        changedPins: exact!.changedPins,
        distance: exact!.distance,
      });
      return plan;
    }

    it(
      'rolls dbt-core back one minor with the fewest and shortest co-moves',
      { timeout: 600_000 },
      async () => {
        const current = image.get('dbt-core')!;
        const [major, minor] = current.split('.').map(Number);
        const plan = await checkedPlan('dbt-core', `==${major}.${minor! - 1}.*`);
        expect(plan.changes.find((c) => c.name === 'dbt-core')?.to).toMatch(
          new RegExp(`^${major}\\.${minor! - 1}\\.`),
        );
      },
    );

    it(
      'rolls the Snowflake connector back across its shared dependencies',
      { timeout: 600_000 },
      async () => {
        const current = image.get('snowflake-connector-python')!;
        const plan = await checkedPlan('snowflake-connector-python', `<${current.split('.')[0]}`);
        expect(plan.changes.some((c) => c.name === 'snowflake-connector-python' && c.requested)).toBe(true);
      },
    );
  });
});

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openFindLinks } from '../src/index/index.js';
import type { PackageSource } from '../src/index/index.js';
import type { PinnedPackage } from '../src/python/index.js';
import { checkImage, planImageChange, resolveRequirements } from '../src/resolver/image/index.js';
import { seededRandom } from '../src/resolver/testing/index.js';
import { buildFindLinksFromUniverse } from '../test/support/wheels/index.js';
import type { Universe, UniverseRelease } from '../test/support/wheels/index.js';
import { readManifest } from '../test/support/python-tools.js';
import { formatMs, machineLine, summarize, writeBenchmarkSection } from './report.js';
import { MACHINE_PYTHON, startupTimes } from './peers.js';
import { comparePeers } from './resolver-peers.js';
import type { PeerFigures } from './resolver-peers.js';

/**
 * An Airflow-sized image: 400 packages × ~30 versions in layers (each package depends only on
 * lower layers), with lower bounds that rise with the dependent's version, `<N` caps, `~=`, a few
 * exact pins and some Requires-Python. A hub package (think apache-airflow) has four providers
 * whose newest lines require hub 3.x, and one of them pulls a library whose newest line needs
 * those providers' newest line: rolling the hub back to 2.x forces five co-rollbacks.
 */

const SEED = 20_260_501;
const PACKAGES = 400;
const PYTHON = '3.11.7';
// pip backtracks for hours on the synthetic folder; a shorter timeout (RATCHET_BENCH_PIP_TIMEOUT_S)
// still reports it as "> timeout", and makes the run that much shorter.
const PIP_TIMEOUT_S = Number(process.env['RATCHET_BENCH_PIP_TIMEOUT_S'] ?? '600');
const PIP_TIMEOUT_MS = PIP_TIMEOUT_S * 1000;
const COMMAND =
  PIP_TIMEOUT_S === 600
    ? 'npm run bench -- resolver'
    : `RATCHET_BENCH_PIP_TIMEOUT_S=${String(PIP_TIMEOUT_S)} npm run bench -- resolver`;
const STARTUP_RUNS = 20;

const HUB = 'hub-core';
const PROVIDERS = [
  'hub-provider-amazon',
  'hub-provider-google',
  'hub-provider-snowflake',
  'hub-provider-dbt',
];
const PROVIDER_PLUGIN = 'hub-provider-dbt-plugin';

/** `M.m.0` for majors 1..3 and minors 0..9, oldest first: 30 versions. */
function versionLine(random: () => number): string[] {
  const firstMajor = random() < 0.3 ? 0 : 1;
  const versions: string[] = [];
  for (let major = firstMajor; major < firstMajor + 3; major++) {
    for (let minor = 0; minor < 10; minor++) versions.push(`${major}.${minor}.${random() < 0.2 ? 1 : 0}`);
  }
  return versions;
}

function pickOf<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/** A constraint on `dep` from a release at relative position `at` (0 = oldest, 1 = newest). */
function constraintOn(random: () => number, versions: readonly string[], at: number): string {
  // Newer releases need newer dependencies, but never the dependency's newest 30%.
  const floor = versions[Math.floor(at * 0.7 * (versions.length - 1))]!;
  const [major, minor] = floor.split('.');
  const roll = random();
  if (roll < 0.45) return `>=${floor}`;
  // An old release capped at the next major of what it was built against.
  if (roll < 0.7) return at < 0.5 ? `>=${floor},<${Number(major) + 1}` : `>=${floor}`;
  if (roll < 0.85) return `>=${floor},<${Number(major) + 1}`;
  if (roll < 0.97) return `~=${major}.${minor}`;
  if (roll < 0.99) return '';
  // A rare exact pin, only from old releases (a resolver must walk past them).
  return at < 0.3 ? `==${floor}` : `>=${floor}`;
}

export function airflowSizedUniverse(seed = SEED): { universe: Universe; topLevel: string[] } {
  const random = seededRandom(seed);
  const names = Array.from(
    { length: PACKAGES - 2 - PROVIDERS.length },
    (_, i) => `lib-${String(i).padStart(3, '0')}`,
  );
  const versions = new Map<string, string[]>();
  const universe: Record<string, Record<string, UniverseRelease>> = {};
  names.forEach((name, index) => {
    const line = versionLine(random);
    versions.set(name, line);
    const releases: Record<string, UniverseRelease> = {};
    // Layered: the first 60 are foundations (no dependencies); the rest depend on earlier ones only.
    const dependencyCount = index < 60 ? 0 : 2 + Math.floor(random() * 5);
    const deps = Array.from({ length: dependencyCount }, () => names[Math.floor(random() * index)]!);
    const unique = [...new Set(deps)];
    line.forEach((version, position) => {
      const at = position / (line.length - 1);
      const requiresDist = unique
        .map((dep) => `${dep}${constraintOn(random, versions.get(dep)!, at)}`)
        .filter((requirement) => requirement.length > 0);
      let requiresPython: string | null = position < 5 ? '>=3.6' : '>=3.8';
      // Some packages dropped 3.11 in their newest release: pip and Ratchet must fall back.
      if (position === line.length - 1 && random() < 0.1) requiresPython = '>=3.12';
      releases[version] = { requires_dist: requiresDist, requires_python: requiresPython };
    });
    universe[name] = releases;
  });

  const hubLine = versionLine(() => 0.5); // 1.0.0 .. 3.9.0
  universe[HUB] = Object.fromEntries(
    hubLine.map((version) => [
      version,
      { requires_dist: ['lib-000>=1', 'lib-010>=1'], requires_python: '>=3.8' },
    ]),
  );
  for (const provider of PROVIDERS) {
    const line = versionLine(() => 0.5);
    // 1.x and 2.x providers work with hub 2.x; 3.x providers need hub 3.x.
    universe[provider] = Object.fromEntries(
      line.map((version) => {
        const hub = version.startsWith('3.') ? `${HUB}>=3.0.0` : `${HUB}>=2.0.0`;
        const extra = pickOf(random, names.slice(60, 120));
        return [version, { requires_dist: [hub, `${extra}>=1`], requires_python: '>=3.8' }];
      }),
    );
  }
  // One plugin follows hub-provider-dbt's major: rolling the provider back rolls it back too.
  universe[PROVIDER_PLUGIN] = Object.fromEntries(
    versionLine(() => 0.5).map((version) => {
      const major = Number(version.split('.')[0]);
      return [
        version,
        { requires_dist: [`hub-provider-dbt>=${major}.0.0,<${major + 1}`], requires_python: '>=3.8' },
      ];
    }),
  );
  const topLevel = Object.keys(universe).sort();
  return { universe, topLevel };
}

function pipResolve(dir: string, requirements: readonly string[]): Promise<{ ms: number; outcome: string }> {
  const args = ['-m', 'pip', 'install', '--quiet', '--isolated', '--disable-pip-version-check', '--dry-run'];
  args.push('--ignore-installed', '--no-index', '--find-links', dir, '--report', '-', ...requirements);
  const started = performance.now();
  return new Promise((resolve) => {
    // SIGKILL: pip survives the default SIGTERM and would keep a core busy after its timeout.
    const options = { timeout: PIP_TIMEOUT_MS, killSignal: 'SIGKILL' as const, maxBuffer: 64 << 20 };
    execFile(MACHINE_PYTHON, args, options, (error, stdout, stderr) => {
      const ms = performance.now() - started;
      if (error?.killed) {
        resolve({ ms, outcome: 'timeout' });
        return;
      }
      if (error) {
        resolve({ ms, outcome: `failed: ${stderr.trim().split('\n').at(-1) ?? String(error)}` });
        return;
      }
      const report = JSON.parse(stdout) as { install: unknown[] };
      resolve({ ms, outcome: `solved, ${report.install.length} packages` });
    });
  });
}

function runs(samples: readonly number[]): string {
  return `${samples.length} run${samples.length === 1 ? '' : 's'}`;
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

/** Up to `times` runs, stopping early (after at least one) once `budgetMs` is spent. */
async function repeat(times: number, work: () => Promise<unknown>, budgetMs = 60_000): Promise<number[]> {
  const samples: number[] = [];
  let spent = 0;
  while (samples.length < times && (samples.length === 0 || spent < budgetMs)) {
    const { ms } = await timed(work);
    samples.push(ms);
    spent += ms;
  }
  return samples;
}

/** The real stack's roots: what a dbt + Snowflake + Airflow image asks for. */
const REAL_STACK_ROOTS = ['dbt-core', 'dbt-snowflake', 'apache-airflow-providers-snowflake'];

/**
 * uv and pip beside Ratchet's CLI on the synthetic folder and on the real wheel set
 * (scripts/python-tools.toml `dbt-snowflake-stack`), when the Python tools are installed.
 */
async function peerSections(
  syntheticDir: string,
  topLevel: string[],
  request: string[],
  pip: { ms: number; outcome: string },
): Promise<string> {
  const manifest = readManifest();
  const tools = manifest.venvs['tools'];
  const stack = manifest.wheels['dbt-snowflake-stack'];
  if (tools?.complete !== true) return '_uv not installed (run `npm run tools`): no peer comparison._\n';
  const uv = tools.commands['uv']!;
  const figures: PeerFigures[] = [];
  figures.push(
    await comparePeers(
      {
        label: `Synthetic Airflow-sized folder (${topLevel.length} packages)`,
        dir: syntheticDir,
        python: '3.11',
        requirements: topLevel,
        plan: request,
        // The run above already gave pip its (up to ten) minutes on this folder.
        pip: { ...pip, packages: {} },
      },
      uv,
    ),
  );
  if (stack?.complete === true)
    figures.push(
      await comparePeers(
        {
          label: `Real dbt + Snowflake + Airflow stack (${stack.files.filter((f) => f.endsWith('.whl')).length} wheels)`,
          dir: stack.path,
          python: '3.11',
          requirements: REAL_STACK_ROOTS,
          plan: ['dbt-core==1.10.*'],
        },
        uv,
      ),
    );
  const summary = figures
    .map((f) => `${f.label}: ${f.ratios.cold.toFixed(2)}× cold, ${f.ratios.warm.toFixed(2)}× warm`)
    .join('; ');
  const startup = await startupTimes(STARTUP_RUNS);
  const ownStartup = summarize(startup.ratchet).median;
  return `## CLI startup

\`./bin/ratchet --help\` beside \`node -e 0\`, the floor of any Node CLI: medians of ${String(STARTUP_RUNS)} processes
each, after 3 warm-ups (as \`hyperfine --warmup 3 './bin/ratchet --help' 'node -e 0'\`). Target: < 150 ms.

| process | median | fastest | target |
|---|---|---|---|
| \`./bin/ratchet --help\` (dist/cli/ratchet.mjs, one bundle) | ${formatMs(ownStartup)} | ${formatMs(summarize(startup.ratchet).min)} | ${ownStartup < 150 ? 'met' : '**not met**'} |
| \`node -e 0\` | ${formatMs(summarize(startup.node).median)} | ${formatMs(summarize(startup.node).min)} | |

## Resolver against uv and pip (processes, same run)

Ratchet / uv wall time: ${summary}. Every figure is a whole process (\`./bin/ratchet\`, the compiled
CLI, a new empty cache folder for each cold run and an earlier run's for the warm ones, as uv's; \`uv pip compile --offline --no-index --find-links DIR --python-version 3.11\` (the
machine's platform, as pip); \`python3 -m pip install --isolated --dry-run --ignore-installed --no-index
--find-links DIR --report -\`), started and timed by the benchmark one after another.

${figures.map((f) => f.markdown).join('\n')}`;
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ratchet-bench-resolver-'));
  try {
    const { universe, topLevel } = airflowSizedUniverse();
    const built = await timed(async () => buildFindLinksFromUniverse(dir, universe));
    const wheels = built.value.length;
    console.log(`built ${wheels} wheels for ${topLevel.length} packages in ${formatMs(built.ms)}`);

    const cold = await timed(() =>
      resolveRequirements({ source: openFindLinks(dir), python: PYTHON, requirements: topLevel }),
    );
    if (!cold.value.satisfiable)
      throw new Error(`the bench universe must be satisfiable:\n${cold.value.explanation}`);
    const image: PinnedPackage[] = Object.entries(cold.value.packages).map(([name, version]) => ({
      name,
      version,
    }));
    console.log(
      `resolve (cold): ${formatMs(cold.ms)}, ${image.length} pins; ${HUB} ${cold.value.packages[HUB]}`,
    );

    const source: PackageSource = openFindLinks(dir);
    const warmResolve = async (): Promise<unknown> =>
      resolveRequirements({ source, python: PYTHON, requirements: topLevel });
    await warmResolve();
    const resolveSamples = await repeat(5, warmResolve);

    const check = async (): Promise<unknown> => checkImage({ source, python: PYTHON, pins: image });
    const firstCheck = await checkImage({ source, python: PYTHON, pins: image });
    if (!firstCheck.consistent) throw new Error('the resolved image must be consistent');
    const checkSamples = await repeat(20, check);

    const request = [`${HUB}==2.*`];
    const plan = async (): ReturnType<typeof planImageChange> =>
      planImageChange({ source, python: PYTHON, pins: image, requests: request });
    const firstPlan = await timed(plan);
    const coChanges = firstPlan.value.changes.filter((change) => !change.requested);
    console.log(`plan (first): ${formatMs(firstPlan.ms)}, ${coChanges.length} co-changes`);
    const planSamples = await repeat(5, plan);

    console.log(`pip on the same folder (timeout ${formatMs(PIP_TIMEOUT_MS)}) ...`);
    const pip = await pipResolve(dir, topLevel);
    console.log(`pip: ${formatMs(pip.ms)} (${pip.outcome})`);

    const resolveWarm = summarize(resolveSamples).median;
    const checkMedian = summarize(checkSamples).median;
    const planMedian = summarize(planSamples).median;
    const pipCell = pip.outcome === 'timeout' ? `> ${formatMs(PIP_TIMEOUT_MS)} (timeout)` : formatMs(pip.ms);
    const ratio = (ours: number): string =>
      pip.outcome === 'timeout' ? `> ${(pip.ms / ours).toFixed(0)}×` : `${(pip.ms / ours).toFixed(1)}×`;
    const verdict = (ok: boolean): string => (ok ? 'met' : '**not met**');
    const markdown = `## Resolver: Airflow-sized image (${topLevel.length} packages, ${wheels} wheels)

Command: \`${COMMAND}\` (bench/resolver.ts, seed ${SEED}). ${machineLine()} Load average at the end: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')} (a shared machine: figures under load are upper bounds).

A synthetic find-links folder, layered like an Airflow image: lower bounds that rise with each
release, \`<N\` caps and \`~=\` on older releases, a few exact pins, Requires-Python (some newest
releases need 3.12, so both resolvers must fall back on ${PYTHON}). The image is the resolution of
all ${topLevel.length} names. The plan rolls \`${HUB}\` back with \`${request.join(' ')}\`, which forces
${coChanges.length} co-rollbacks (${coChanges.map((c) => `${c.name} ${c.from} → ${c.to}`).join(', ')}).
"Warm" = the same source object, metadata already read; medians of repeated runs.

| operation | Ratchet | target |
|---|---|---|
| \`checkImage\` (warm, ${runs(checkSamples)}) | ${formatMs(checkMedian)} | < 50 ms: ${verdict(checkMedian < 50)} |
| \`planImageChange\` ${request.join(' ')} (warm, ${runs(planSamples)}; first run ${formatMs(firstPlan.ms)}) | ${formatMs(planMedian)} | < 1 s: ${verdict(planMedian < 1000)} |
| \`resolveRequirements\` cold (new source: listing, hashing, reading wheels) | ${formatMs(cold.ms)} | |
| \`resolveRequirements\` warm (${runs(resolveSamples)}) | ${formatMs(resolveWarm)} | |

| peer, same folder, same run | time | pip / Ratchet cold | pip / Ratchet warm | target ≥ 10× |
|---|---|---|---|---|
| \`python3 -m pip install --isolated --dry-run --ignore-installed --no-index --find-links DIR --report - <${topLevel.length} names>\` (pip 23.2.1; ${pip.outcome}) | ${pipCell} | ${ratio(cold.ms)} | ${ratio(resolveWarm)} | ${verdict(pip.ms / cold.ms >= 10)} (cold) |
`;
    const peers = await peerSections(dir, topLevel, request, pip);
    await writeBenchmarkSection('resolver', `${markdown}\n${peers}`);
    console.log(markdown);
    console.log(peers);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

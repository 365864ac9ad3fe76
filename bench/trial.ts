/**
 * The trial (issue 16): wall time of a trial of 1 and of 10 dbt projects (dbt 1.11 rolled back to
 * 1.10, dbt-duckdb, offline from the cached wheels), cold (both environments built, empty uv cache)
 * and warm (both reused by lock hash). The peer, in the same run: the same work as a plain shell
 * sequence (`uv venv` + `uv pip install` + `uv pip check` per environment when cold, then per
 * project `git clone` + `dbt compile` in each environment), so the trial's own overhead shows as a
 * ratio.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTrial, trialConfigFromEnv } from '../src/trial/index.js';
import type { EnvironmentSpec, TrialProject } from '../src/trial/index.js';
import { createDbtRepo, resolveImagePins } from '../test/support/dbt-projects.js';
import type { HashedPin } from '../test/support/dbt-projects.js';
import { pythonTools } from '../test/support/python-tools.js';
import { formatMs, machineLine, writeBenchmarkSection } from './report.js';

interface Row {
  projects: number;
  mode: 'cold' | 'warm';
  trialMs: number;
  peerMs: number;
}

function requirements(pins: readonly HashedPin[]): string {
  return pins
    .map((p) => `${p.name}==${p.version} ${p.hashes.map((h) => `--hash=${h}`).join(' ')}`)
    .join('\n');
}

/** The same work as the trial, as a shell script: what someone would run by hand. */
function peerScript(input: {
  work: string;
  uv: string;
  wheels: string;
  envs: { name: string; pins: HashedPin[] }[];
  projects: { name: string; url: string }[];
  cold: boolean;
}): string {
  const lines = [
    'set -eu',
    `W='${input.work}'`,
    `export UV_CACHE_DIR="$W/uv-cache"`,
    'export UV_OFFLINE=1',
    // As the trial's children (a minimal environment): Python caches bytecode, or every dbt start
    // would compile dbt's modules again and the peer would look slower than it is.
    'unset PYTHONDONTWRITEBYTECODE',
  ];
  if (input.cold) {
    for (const env of input.envs) {
      writeFileSync(join(input.work, `${env.name}.txt`), requirements(env.pins));
      lines.push(
        `'${input.uv}' venv --quiet --python 3.11 "$W/${env.name}"`,
        `'${input.uv}' pip install --quiet --python "$W/${env.name}/bin/python" --no-deps --require-hashes --no-index --find-links '${input.wheels}' -r "$W/${env.name}.txt"`,
        `'${input.uv}' pip check --quiet --python "$W/${env.name}/bin/python"`,
      );
    }
  }
  for (const project of input.projects) {
    const dir = `"$W/checkouts/${project.name}"`;
    lines.push(`git clone --quiet '${project.url}' ${dir}`);
    for (const env of input.envs) {
      const scratch = `"$W/run/${project.name}-${env.name}"`;
      lines.push(
        `mkdir -p ${scratch}`,
        `printf '%s\\n' '${project.name}:' '  target: t' '  outputs:' '    t:' '      type: duckdb' "      path: $W/run/${project.name}-${env.name}/t.duckdb" '      threads: 1' > ${scratch}/profiles.yml`,
        `(cd ${dir} && HOME=${scratch} DBT_SEND_ANONYMOUS_USAGE_STATS=false "$W/${env.name}/bin/python" "$W/${env.name}/bin/dbt" compile --log-format json --profiles-dir ${scratch} --target-path ${scratch}/target --no-partial-parse --no-use-colors > /dev/null)`,
        `rm -rf ${scratch}`,
      );
    }
    lines.push(`rm -rf ${dir}`);
  }
  return lines.join('\n');
}

export async function run(): Promise<void> {
  const tools = pythonTools('the trial benchmark', { venvs: ['tools'], wheels: ['dbt-duckdb'] });
  if (tools === null)
    throw new Error('The trial benchmark needs the Python tools: run python3 scripts/python-tools.');
  const uv = tools.command('tools', 'uv');
  const wheels = tools.wheels('dbt-duckdb').path;
  const scratch = mkdtempSync(join(tmpdir(), 'ratchet-bench-trial-'));
  try {
    const pins = (core: string, duckdb: string): HashedPin[] =>
      resolveImagePins(
        uv,
        wheels,
        [`dbt-core==${core}`, `dbt-duckdb==${duckdb}`],
        join(scratch, 'resolve-cache'),
      );
    const v11 = pins('1.11.16', '1.11.1');
    const v10 = pins('1.10.23', '1.10.1');
    const spec = (p: HashedPin[]): EnvironmentSpec => ({
      python: '3.11',
      pins: p,
      source: { kind: 'find-links', path: wheels },
    });
    const repos = Array.from({ length: 10 }, (_, i) =>
      createDbtRepo(join(scratch, 'repos'), 'plain', { name: `plain_${String(i + 1)}` }),
    );
    const projects: TrialProject[] = repos.map((repo, i) => ({
      name: `plain_${String(i + 1)}`,
      repoUrl: repo.url,
      path: '',
      owners: [],
      commit: repo.commit,
      credential: null,
    }));
    const rows: Row[] = [];
    const startLoad = loadavg()[0]!;
    for (const count of [1, 10]) {
      const workDir = join(scratch, `trial-${String(count)}`);
      const peerWork = join(scratch, `peer-${String(count)}`);
      mkdirSync(peerWork, { recursive: true });
      const config = {
        ...trialConfigFromEnv({ PATH: process.env['PATH'] ?? '' }),
        workDir,
        uv,
        limits: { timeoutMs: 600_000, memoryMb: 4096 },
      };
      for (const mode of ['cold', 'warm'] as const) {
        let started = performance.now();
        const outcome = await runTrial(
          { current: spec(v11), candidate: spec(v10), projects: projects.slice(0, count) },
          { config },
        );
        const trialMs = performance.now() - started;
        if (outcome.projects.some((p) => p.verdict !== 'unaffected')) {
          throw new Error(
            `The benchmark's projects should be unaffected: ${JSON.stringify(outcome.projects)}`,
          );
        }
        if (outcome.environments.current.reused !== (mode === 'warm')) {
          throw new Error(`A ${mode} trial ${mode === 'warm' ? 'rebuilt' : 'reused'} its environments.`);
        }
        const script = peerScript({
          work: peerWork,
          uv,
          wheels,
          envs: [
            { name: 'current', pins: v11 },
            { name: 'candidate', pins: v10 },
          ],
          projects: projects.slice(0, count).map((p) => ({ name: p.name, url: p.repoUrl })),
          cold: mode === 'cold',
        });
        started = performance.now();
        execFileSync('bash', ['-c', script], { stdio: ['ignore', 'ignore', 'inherit'] });
        const peerMs = performance.now() - started;
        rows.push({ projects: count, mode, trialMs, peerMs });
        console.log(
          `${String(count)} project(s), ${mode}: trial ${formatMs(trialMs)}, shell ${formatMs(peerMs)} (x${(trialMs / peerMs).toFixed(2)})`,
        );
        // Written after every row: a run stopped early still leaves what it measured.
        await writeSection(rows, startLoad);
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function writeSection(rows: readonly Row[], startLoad: number): Promise<void> {
  await writeBenchmarkSection(
    'trial',
    [
      '## Trial: 1 and 10 dbt projects, cold and warm (issue 16)',
      '',
      'Command: `npm run bench -- trial` (bench/trial.ts). dbt-core 1.11.16 rolled back to 1.10.23 with',
      'dbt-duckdb, offline from the cached `dbt-duckdb` wheel set; each project a small real dbt project',
      'in a local git repository (`dbt compile` of one model with a schema file). Cold: both environments built',
      'by uv from an empty cache; warm: both reused by lock hash. The peer is the same work as a plain',
      'shell script in the same run (`uv venv` + `uv pip install --require-hashes` + `uv pip check` per',
      'environment when cold; per project `git clone` + `dbt compile` in each environment).',
      '',
      machineLine(),
      '',
      '| projects | environments | trial | shell sequence | trial / shell |',
      '| -------: | ------------ | ----: | -------------: | ------------: |',
      ...rows.map(
        (r) =>
          `| ${String(r.projects)} | ${r.mode} | ${formatMs(r.trialMs)} | ${formatMs(r.peerMs)} | ${(r.trialMs / r.peerMs).toFixed(2)} |`,
      ),
      '',
      'Most of a trial is dbt itself (two `dbt compile` per project, each a new Python process that',
      'imports dbt). The trial does more than the shell: four git processes per project instead of one',
      '(`--no-checkout` clone, `cat-file` of the commit, detached checkout, `rev-parse`), `uv pip check`',
      'of both environments on every trial, and its job bookkeeping; each row is one run, trial then',
      'shell, on a machine shared with other work, so the ratio moves with the load between them:',
      `load average ${startLoad.toFixed(1)} when the run started, ${loadavg()[0]!.toFixed(1)} at this row.`,
    ].join('\n'),
  );
}

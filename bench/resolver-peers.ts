/**
 * Ratchet's CLI beside uv and pip on one find-links folder, all as processes in the same run
 * (issue 15, item 5): resolve cold and warm, `image check` of the resolved pins (the peers: a
 * resolve of the exact pins), and `image plan` (no peer can plan). Part of `npm run bench -- resolver`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipResolve, ratchetCli, uvCompile } from './peers.js';
import type { PeerRun } from './peers.js';
import { formatMs, summarize } from './report.js';

export interface PeerFolder {
  /** Heading, e.g. "real dbt + Snowflake + Airflow stack". */
  readonly label: string;
  readonly dir: string;
  /** X.Y, what uv and Ratchet target (pip runs on the machine's python3). */
  readonly python: string;
  readonly requirements: readonly string[];
  /** `--set` requests of the plan, against the resolved pins. */
  readonly plan: readonly string[];
  /** pip's resolve of the same requirements, when this run already timed it (it can take minutes). */
  readonly pip?: PeerRun;
}

export interface PeerFigures {
  readonly label: string;
  readonly markdown: string;
  /** Ratchet / uv wall time, cold and warm resolve. */
  readonly ratios: { cold: number; warm: number };
}

/**
 * Resolves per peer, cold and warm: nine, each Ratchet run paired with a uv run right after it, so a
 * change in the machine's load (it is shared) moves both sides of a pair alike. Three runs one
 * peer after the other put the synthetic folder's ratio anywhere from 1.6x to 2x between runs.
 */
const RESOLVE_PAIRS = 9;
/** `image check` and the plan, which have no pass/fail target of their own. */
const WARM_RUNS = 3;

function median(runs: readonly PeerRun[]): number {
  return summarize(runs.map((r) => r.ms)).median;
}

/** `times` rounds of `a` then `b`: each peer's runs, in the order they ran. */
async function pairedRuns(
  times: number,
  [a, b]: readonly [() => Promise<PeerRun>, () => Promise<PeerRun>],
): Promise<[PeerRun[], PeerRun[]]> {
  const runsA: PeerRun[] = [];
  const runsB: PeerRun[] = [];
  for (let i = 0; i < times; i++) {
    runsA.push(await a());
    runsB.push(await b());
  }
  return [runsA, runsB];
}

/** The lowest and highest ratio of a pair (`a[i]` / `b[i]`): how far one pair can stray. */
function pairSpread(a: readonly PeerRun[], b: readonly PeerRun[]): string {
  const ratios = a.map((run, i) => run.ms / b[i]!.ms);
  return `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}×`;
}

async function repeatRun(times: number, work: () => Promise<PeerRun>): Promise<PeerRun[]> {
  const runs: PeerRun[] = [];
  for (let i = 0; i < times; i++) runs.push(await work());
  return runs;
}

function differences(a: Record<string, string>, b: Record<string, string>): string[] {
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...names].filter((n) => a[n] !== b[n]).map((n) => `${n} ${a[n] ?? '-'} vs ${b[n] ?? '-'}`);
}

export async function comparePeers(folder: PeerFolder, uv: string): Promise<PeerFigures> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'ratchet-bench-peers-'));
  try {
    const source = ['--find-links', folder.dir, '--python', folder.python];
    const uvCache = path.join(scratch, 'uv-cache');
    // Ratchet's cache (wheel METADATA of find-links folders) starts empty, as uv's does.
    const ratchetCache = path.join(scratch, 'ratchet-cache');
    console.log(`[${folder.label}] ratchet resolve, uv pip compile, pip install --dry-run ...`);
    // Cold: each run with a cache folder of its own, empty. Warm: the cache of an earlier run.
    let coldRun = 0;
    const freshCache = (name: string): string => path.join(scratch, `${name}-cold-${String(coldRun++)}`);
    const ratchetResolve = (cache: string): Promise<PeerRun> =>
      ratchetCli(['resolve', ...source, ...folder.requirements], cache);
    const uvResolve = (cache: string): Promise<PeerRun> =>
      uvCompile(uv, folder.dir, folder.python, folder.requirements, cache);
    await ratchetResolve(ratchetCache);
    await uvResolve(uvCache);
    const cold = await pairedRuns(RESOLVE_PAIRS, [
      () => ratchetResolve(freshCache('ratchet')),
      () => uvResolve(freshCache('uv')),
    ]);
    const warm = await pairedRuns(RESOLVE_PAIRS, [
      () => ratchetResolve(ratchetCache),
      () => uvResolve(uvCache),
    ]);
    const ratchetCold = { ...cold[0][0]!, ms: median(cold[0]) };
    const uvCold = { ...cold[1][0]!, ms: median(cold[1]) };
    const ratchetWarm = warm[0];
    const uvWarm = warm[1];
    const pip = folder.pip ?? (await pipResolve(folder.dir, folder.requirements));
    console.log(
      `[${folder.label}] ratchet ${formatMs(ratchetCold.ms)} / ${formatMs(median(ratchetWarm))} (${ratchetCold.outcome}); uv ${formatMs(uvCold.ms)} / ${formatMs(median(uvWarm))} (${uvCold.outcome}); pip ${formatMs(pip.ms)} (${pip.outcome})`,
    );

    // The check: Ratchet's `image check` of its own pins; the peers resolve the same exact pins.
    const pins = Object.entries(ratchetCold.packages).map(([name, version]) => `${name}==${version}`);
    const lock = path.join(scratch, 'lock.txt');
    writeFileSync(lock, pins.map((p) => `${p}\n`).join(''));
    const ratchetCheck = await repeatRun(WARM_RUNS, () =>
      ratchetCli(['image', 'check', '--lock', lock, ...source], ratchetCache),
    );
    const uvCheck = await repeatRun(WARM_RUNS, () => uvCompile(uv, folder.dir, folder.python, pins, uvCache));
    const pipCheck = await pipResolve(folder.dir, pins);
    const planArgs = [
      'image',
      'plan',
      '--lock',
      lock,
      ...source,
      ...folder.plan.flatMap((r) => ['--set', r]),
    ];
    const plan = await repeatRun(WARM_RUNS, () => ratchetCli(planArgs, ratchetCache));
    const planDoc = (await ratchetCli(planArgs, ratchetCache)).doc as {
      feasible?: boolean;
      changes?: { name: string; from: string; to: string; requested: boolean }[];
    };
    const moves = (planDoc.changes ?? []).map((c) => `${c.name} ${c.from} → ${c.to}`).join(', ');

    const disagreements = differences(ratchetCold.packages, uvCold.packages);
    const ratios = { cold: ratchetCold.ms / uvCold.ms, warm: median(ratchetWarm) / median(uvWarm) };
    const verdict = (ratio: number): string =>
      ratio <= 2 ? `${ratio.toFixed(2)}×: met` : `${ratio.toFixed(2)}×: **not met**`;
    const markdown = `### ${folder.label}

${folder.requirements.length > 8 ? `All ${folder.requirements.length} names` : `\`${folder.requirements.join(' ')}\``} for Python ${folder.python}, from \`--find-links\` only. Ratchet:
${ratchetCold.outcome}; uv: ${uvCold.outcome}; pip: ${pip.outcome}.
${disagreements.length === 0 ? 'Ratchet and uv chose the same versions.' : `Ratchet and uv chose different versions for ${disagreements.length} packages (resolvers differ in which newest version they give up first): ${disagreements.slice(0, 8).join('; ')}${disagreements.length > 8 ? ', ...' : ''}.`}

| operation (wall time, processes) | Ratchet CLI | uv | pip | Ratchet / uv | single pairs | target ≤ 2× |
|---|---|---|---|---|---|---|
| resolve, cold (medians of ${RESOLVE_PAIRS} pairs; each run with an empty cache) | ${formatMs(ratchetCold.ms)} | ${formatMs(uvCold.ms)} | ${formatMs(pip.ms)} | ${ratios.cold.toFixed(2)}× | ${pairSpread(cold[0], cold[1])} | ${verdict(ratios.cold)} |
| resolve, warm (medians of ${RESOLVE_PAIRS} pairs; both with the cache of an earlier run) | ${formatMs(median(ratchetWarm))} | ${formatMs(median(uvWarm))} | | ${ratios.warm.toFixed(2)}× | ${pairSpread(ratchetWarm, uvWarm)} | ${verdict(ratios.warm)} |
| \`image check\` of the ${pins.length} pins (peers: resolve the exact pins; ${WARM_RUNS} runs each) | ${formatMs(median(ratchetCheck))} | ${formatMs(median(uvCheck))} | ${formatMs(pipCheck.ms)} | ${(median(ratchetCheck) / median(uvCheck)).toFixed(2)}× | | |
| \`image plan --set ${folder.plan.join(' ')}\` (${WARM_RUNS} runs; ${planDoc.feasible === true ? `feasible: ${moves}` : 'infeasible'}) | ${formatMs(median(plan))} | no equivalent | no equivalent | | | |
`;
    return { label: folder.label, markdown, ratios };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

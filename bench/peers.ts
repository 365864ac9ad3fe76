/**
 * The resolver's peers as processes, timed the same way as Ratchet's own CLI: uv (`uv pip compile`
 * offline against a find-links folder, cold = empty uv cache, warm = the cache of the previous
 * run), pip (`pip install --dry-run --report`), and `./bin/ratchet resolve` itself.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface PeerRun {
  ms: number;
  /** `solved, N packages`, `unsatisfiable`, `timeout` or `failed: ...`. */
  outcome: string;
  /** name -> version, when solved. */
  packages: Record<string, string>;
}

// Every peer process, pip included: the same RATCHET_BENCH_PIP_TIMEOUT_S as bench/resolver.ts.
const TIMEOUT_MS = Number(process.env['RATCHET_BENCH_PIP_TIMEOUT_S'] ?? '600') * 1000;
export const RATCHET_BIN = path.resolve(import.meta.dirname, '..', 'bin', 'ratchet');

function timedProcess(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ ms: number; code: number; killed: boolean; stdout: string; stderr: string }> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(
      command,
      [...args],
      // SIGKILL: pip survives the default SIGTERM and would keep a core busy after its timeout.
      { env, timeout: TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        resolve({
          ms: performance.now() - started,
          code: error ? (typeof error.code === 'number' ? error.code : -1) : 0,
          killed: error?.killed === true,
          stdout,
          stderr,
        });
      },
    );
  });
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}

/** `uv pip compile` of `requirements` for CPython `python` on x86_64 Linux, offline, from `dir` only. */
export async function uvCompile(
  uv: string,
  dir: string,
  python: string,
  requirements: readonly string[],
  cacheDir: string,
): Promise<PeerRun> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'ratchet-bench-uv-'));
  try {
    const input = path.join(scratch, 'requirements.in');
    writeFileSync(input, requirements.map((r) => `${r}\n`).join(''));
    const args = ['pip', 'compile', '--offline', '--no-index', '--find-links', dir];
    // No --python-platform: uv's linux targets assume an older glibc (manylinux_2_28) than some
    // wheels here need (cryptography: manylinux_2_34); the machine's own platform is what pip uses.
    args.push('--python-version', python);
    args.push('--no-header', '--no-annotate', '--quiet', input);
    const env = { ...process.env, UV_CACHE_DIR: cacheDir, UV_NO_CONFIG: '1', UV_OFFLINE: '1' };
    const run = await timedProcess(uv, args, env);
    if (run.killed) return { ms: run.ms, outcome: 'timeout', packages: {} };
    if (run.code !== 0) {
      const unsat = /No solution found|unsatisfiable/i.test(run.stderr);
      return {
        ms: run.ms,
        outcome: unsat ? 'unsatisfiable' : `failed: ${lastLine(run.stderr)}`,
        packages: {},
      };
    }
    const packages = Object.fromEntries(
      run.stdout
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line.includes('=='))
        .map((line) => line.split('==') as [string, string]),
    );
    return { ms: run.ms, outcome: `solved, ${Object.keys(packages).length} packages`, packages };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The interpreter `python3` runs, by its real path. `python3` may be a shim (pyenv's is a shell
 * script that starts the interpreter as its child): killing the shim at a timeout left pip running
 * on the other core through every later figure of the run.
 */
export const MACHINE_PYTHON = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], {
  encoding: 'utf8',
}).trim();

/** `pip install --dry-run --report -` with `python` (default: the machine's python3), isolated. */
export async function pipResolve(
  dir: string,
  requirements: readonly string[],
  python = MACHINE_PYTHON,
): Promise<PeerRun> {
  const args = ['-m', 'pip', 'install', '--quiet', '--isolated', '--disable-pip-version-check', '--dry-run'];
  args.push('--ignore-installed', '--no-index', '--find-links', dir, '--report', '-', ...requirements);
  const run = await timedProcess(python, args);
  if (run.killed) return { ms: run.ms, outcome: 'timeout', packages: {} };
  if (run.code !== 0) {
    const unsat = /ResolutionImpossible|No matching distribution/.test(run.stderr);
    return { ms: run.ms, outcome: unsat ? 'unsatisfiable' : `failed: ${lastLine(run.stderr)}`, packages: {} };
  }
  const report = JSON.parse(run.stdout) as { install: { metadata: { name: string; version: string } }[] };
  const packages = Object.fromEntries(report.install.map((i) => [i.metadata.name, i.metadata.version]));
  return { ms: run.ms, outcome: `solved, ${report.install.length} packages`, packages };
}

/**
 * `./bin/ratchet <command> --json` (the compiled CLI), timed as a process like the peers, with its
 * cache in `cacheDir` (as uv's: empty for a cold run, the previous run's for a warm one).
 */
export async function ratchetCli(
  args: readonly string[],
  cacheDir: string,
): Promise<PeerRun & { doc: Record<string, unknown> }> {
  const run = await timedProcess(RATCHET_BIN, [...args, '--json'], {
    ...process.env,
    RATCHET_CACHE_DIR: cacheDir,
  });
  if (run.killed) return { ms: run.ms, outcome: 'timeout', packages: {}, doc: {} };
  if (run.code !== 0 && run.code !== 1)
    return { ms: run.ms, outcome: `failed: ${lastLine(run.stderr)}`, packages: {}, doc: {} };
  const doc = JSON.parse(run.stdout) as Record<string, unknown>;
  const packages = (doc['packages'] as Record<string, string> | undefined) ?? {};
  const outcome =
    run.code === 0 ? `solved, ${Object.keys(packages).length} packages` : 'unsatisfiable or inconsistent';
  return { ms: run.ms, outcome, packages, doc };
}

/**
 * Startup: `./bin/ratchet --help` beside `node -e 0` (the floor any Node CLI pays), medians of
 * `runs` processes each, started one after another (issue 15: under 150 ms).
 */
export async function startupTimes(runs: number): Promise<{ ratchet: number[]; node: number[] }> {
  const ratchet: number[] = [];
  const node: number[] = [];
  for (let i = 0; i < runs + 3; i++) {
    const own = await timedProcess(RATCHET_BIN, ['--help']);
    const bare = await timedProcess(process.execPath, ['-e', '0']);
    if (own.code !== 0) throw new Error(`ratchet --help failed: ${lastLine(own.stderr)}`);
    // The first three of each warm the file cache (hyperfine's --warmup 3).
    if (i >= 3) {
      ratchet.push(own.ms);
      node.push(bare.ms);
    }
  }
  return { ratchet, node };
}

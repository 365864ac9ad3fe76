/*
 * Child processes of a trial (git, uv, dbt). Every program comes from the operator's configuration
 * (TrialConfig), never from a request; arguments are passed as argv, never through a shell line.
 * Each child gets a wall-clock limit, an address-space limit and the trial's AbortSignal, and runs
 * in its own process group so a timeout or a cancel also ends whatever it started (dbt's threads,
 * git's helpers).
 */
import { spawn } from 'node:child_process';

export interface ProcessLimits {
  /** Wall-clock limit per child, in milliseconds. */
  readonly timeoutMs: number;
  /** Address-space limit per child (`ulimit -v`), in MiB; 0 for none. */
  readonly memoryMb: number;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: Record<string, string | undefined>;
  readonly signal?: AbortSignal;
  readonly limits: ProcessLimits;
}

export interface ProcessResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Why the child was stopped, when it was: `timeout` or `cancelled`. */
  readonly stopped: 'timeout' | 'cancelled' | null;
}

/** Output beyond this is dropped (the head is kept): a runaway log must not fill the server's memory. */
const MAX_OUTPUT = 8 * 1024 * 1024;

/** A child the trial could not start or that was stopped; the message says which program and why. */
export class TrialProcessError extends Error {}

/**
 * Runs `program args...` with the trial's limits; resolves with its exit code and output (a
 * non-zero exit is an answer, not an error). Rejects when the program cannot be started.
 */
export function runProcess(
  program: string,
  args: readonly string[],
  options: RunOptions,
): Promise<ProcessResult> {
  const { limits } = options;
  // `sh -c 'ulimit -v N; exec "$@"'`: the limit applies to the program alone, and "$@" keeps every
  // argument a single word whatever it contains.
  const [command, argv] =
    limits.memoryMb > 0
      ? ['/bin/sh', ['-c', `ulimit -v ${String(limits.memoryMb * 1024)}; exec "$@"`, 'sh', program, ...args]]
      : [program, [...args]];
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted === true) {
      resolve({ code: null, stdout: '', stderr: '', stopped: 'cancelled' });
      return;
    }
    const child = spawn(command, argv, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    let stopped: ProcessResult['stopped'] = null;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (stdout.length < MAX_OUTPUT) stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < MAX_OUTPUT) stderr += chunk;
    });
    const stop = (why: 'timeout' | 'cancelled'): void => {
      stopped ??= why;
      if (child.pid === undefined) return;
      try {
        // The negative pid is the process group: the program and every process it started.
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => stop('timeout'), limits.timeoutMs);
    const onAbort = (): void => stop('cancelled');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const settle = (): void => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (error) => {
      settle();
      reject(new TrialProcessError(`Could not run ${program}: ${error.message}`, { cause: error }));
    });
    child.on('close', (code) => {
      settle();
      resolve({ code, stdout, stderr, stopped });
    });
  });
}

/** A sentence for a child that was stopped or failed: what ran, and the tail of what it said. */
export function describeFailure(what: string, result: ProcessResult, limits: ProcessLimits): string {
  if (result.stopped === 'timeout')
    return `${what} ran longer than ${String(limits.timeoutMs)} ms and was stopped.`;
  if (result.stopped === 'cancelled') return `${what} was cancelled.`;
  const tail = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-5).join('\n');
  return `${what} exited with code ${String(result.code)}${tail ? `: ${tail}` : '.'}`;
}

/** Variables a child may inherit from the server: where programs are, language and time zone. */
const INHERITED = [
  'PATH',
  'LANG',
  'LC_ALL',
  'LC_CTYPE',
  'TZ',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  // The operator's proxy, for an instance whose package source is an index.
  'HTTPS_PROXY',
  'HTTP_PROXY',
  'NO_PROXY',
];

/**
 * The environment of a trial's child: the few harmless variables above, plus `extra`. Never the
 * server's whole environment: dbt evaluates customer Jinja (`env_var(...)`), which must not read
 * RATCHET_SECRET_KEY, the database URL or any other secret of the server.
 */
export function childEnv(
  extra: Record<string, string | undefined>,
  from: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of INHERITED) {
    const value = from[name];
    if (value !== undefined) env[name] = value;
  }
  for (const [name, value] of Object.entries(extra)) {
    if (value !== undefined) env[name] = value;
  }
  return env;
}

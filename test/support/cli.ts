/**
 * The real `ratchet` CLI as a child process, for tests of commands against a running server:
 * its exit code, stdout and stderr, and the one JSON document a `--json` run promises.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { expect } from 'vitest';

export const RATCHET_CLI = resolve(import.meta.dirname, '..', '..', 'bin', 'ratchet');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliErrorDocument {
  error: { kind: string; message: string; policy?: string; remedy?: string };
}

/** Runs `ratchet <args>` with `env` (default: this process's environment) and waits for its exit. */
export function runRatchet(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<CliRun> {
  return new Promise((done) => {
    execFile(RATCHET_CLI, [...args], { env, timeout: 60_000 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

/**
 * Runs `ratchet <args>` against `url` as the holder of `token`, given as `--url`/`--token` flags or,
 * as in a shell profile, as RATCHET_URL/RATCHET_TOKEN.
 */
export function runCli(
  url: string,
  token: string,
  args: readonly string[],
  via: 'flags' | 'environment' = 'flags',
): Promise<CliRun> {
  return via === 'flags'
    ? runRatchet([...args, '--url', url, '--token', token])
    : runRatchet(args, { ...process.env, RATCHET_URL: url, RATCHET_TOKEN: token });
}

/** The one JSON document a `--json` run printed, after checking the exit code it ended with. */
export function documentOf<T>(run: CliRun, code: number): T {
  expect(run.code, `exit ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`).toBe(code);
  return JSON.parse(run.stdout) as T;
}

export function refusalOf(run: CliRun, code: 1 | 2): CliErrorDocument['error'] {
  return documentOf<CliErrorDocument>(run, code).error;
}

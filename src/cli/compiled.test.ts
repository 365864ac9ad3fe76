/**
 * The compiled CLI (issue 15, item 5): `./bin/ratchet` runs dist/, built from the current sources
 * (vitest's globalSetup), loads nothing heavy for `--help`, and without dist/ says so and still runs.
 */
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { RATCHET_CLI, runRatchet } from '../../test/support/cli.js';
import type { CliRun } from '../../test/support/cli.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const SRC = join(ROOT, 'src');
const DIST = join(ROOT, 'dist');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

function run(file: string, args: readonly string[]): Promise<CliRun> {
  return new Promise((done) => {
    execFile(file, [...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

const temp = mkdtempSync(join(tmpdir(), 'ratchet-compiled-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/**
 * Runs dist/cli/ratchet.mjs with a loader hook that records every package it imports from
 * node_modules, and every file of our own it loads (relative to dist/), in load order.
 */
async function loadedBy(
  args: readonly string[],
): Promise<{ result: CliRun; packages: string[]; own: string[] }> {
  const run = mkdtempSync(join(temp, 'run-'));
  const hooks = join(run, 'hooks.mjs');
  const log = join(run, 'packages.log');
  writeFileSync(log, '');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (result.url.includes('/node_modules/') && !context.parentURL?.includes('/node_modules/'))
    appendFileSync(${JSON.stringify(log)}, specifier + '\\n');
  else if (result.url.startsWith('file:') && !result.url.includes('/node_modules/'))
    appendFileSync(${JSON.stringify(log)}, 'own:' + new URL(result.url).pathname + '\\n');
  return result;
}
`,
  );
  const register = join(run, 'register.mjs');
  writeFileSync(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
  );
  const result = await new Promise<CliRun>((done) => {
    execFile(
      process.execPath,
      ['--import', register, join(DIST, 'cli', 'ratchet.mjs'), ...args],
      { timeout: 60_000 },
      (error, stdout, stderr) =>
        done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
  const loaded = [...new Set(readFileSync(log, 'utf8').trim().split('\n'))].filter((line) => line !== '');
  return {
    result,
    packages: loaded.filter((name) => !name.startsWith('own:')),
    own: loaded.filter((name) => name.startsWith('own:')).map((name) => relative(DIST, name.slice(4))),
  };
}

describe('the compiled CLI', () => {
  it('has a dist/ file for every shipped source and none for a source that is gone', () => {
    const shipped = filesUnder(SRC)
      .map((file) => relative(SRC, file))
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.endsWith('.d.ts'))
      .filter((file) => !file.startsWith('web/') && !file.includes('testkit/'))
      .map((file) => file.replace(/\.ts$/, '.js'))
      .sort();
    const built = filesUnder(DIST)
      .map((file) => relative(DIST, file))
      .filter((file) => file.endsWith('.js'))
      .sort();
    expect(built).toEqual(shipped);
    // Built after every source it came from: the tests run what the sources say now.
    const newestSource = Math.max(
      ...shipped.map((file) => statSync(join(SRC, file.replace(/\.js$/, '.ts'))).mtimeMs),
    );
    expect(statSync(join(DIST, 'cli', 'main.js')).mtimeMs).toBeGreaterThanOrEqual(newestSource);
  });

  it('answers --help from the bundle without loading the server, the resolver or zod', async () => {
    const { result, packages, own } = await loadedBy(['--help']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Usage: ratchet');
    expect(result.stdout).toMatch(/\bresolve\b/);
    // commander and every command are inside the bundle; only the domain errors load beside it
    // (one class per error kind, shared with what commands import lazily: src/cli/exit.ts maps
    // them with instanceof).
    expect(packages).toEqual([]);
    expect(own).toEqual([join('cli', 'ratchet.mjs'), join('domain', 'errors', 'index.js')]);
  });

  it('resolves from a find-links folder with the second bundle and without zod', async () => {
    const folder = mkdtempSync(join(temp, 'wheels-'));
    const { result, packages, own } = await loadedBy([
      'resolve',
      '--find-links',
      folder,
      '--python',
      '3.11',
      '--cache-dir',
      'off',
      'dbt-core',
    ]);
    // Nothing to install from an empty folder: the resolver ran and said so (exit 1).
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toContain('dbt-core');
    // zod is a PEP 691 page's parser (index/simple/schema.ts), loaded only when one arrives.
    expect(packages).not.toContain('zod');
    expect(own).toEqual([
      join('cli', 'ratchet.mjs'),
      join('domain', 'errors', 'index.js'),
      join('cli', 'offline-resolver.mjs'),
    ]);
  });

  it('runs through ./bin/ratchet with nothing on stderr', async () => {
    const result = await runRatchet(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: ratchet');
    expect(result.stderr).toBe('');
  });

  it('leaves the main thread a core: V8 gets cores - 1 background threads (1 to 4), unless NODE_OPTIONS sets them', async () => {
    // A `node` that prints its arguments and an `nproc` that reports a given machine, first on PATH.
    const fakes = mkdtempSync(join(temp, 'fakes-'));
    writeFileSync(join(fakes, 'node'), '#!/bin/sh\necho "$@"\n', { mode: 0o755 });
    const poolFlag = async (cores: number, nodeOptions = ''): Promise<string | null> => {
      writeFileSync(join(fakes, 'nproc'), `#!/bin/sh\necho ${String(cores)}\n`, { mode: 0o755 });
      const printed = await new Promise<string>((done, fail) => {
        execFile(
          RATCHET_CLI,
          ['--help'],
          { env: { ...process.env, PATH: `${fakes}:${process.env.PATH ?? ''}`, NODE_OPTIONS: nodeOptions } },
          (error, stdout) => (error ? fail(error) : done(stdout)),
        );
      });
      expect(printed).toMatch(/dist\/cli\/ratchet\.mjs --help\n$/);
      return /--v8-pool-size=(\d+)/.exec(printed)?.[1] ?? null;
    };
    expect(await poolFlag(1)).toBe('1');
    expect(await poolFlag(2)).toBe('1');
    expect(await poolFlag(3)).toBe('2');
    expect(await poolFlag(16)).toBe('4');
    expect(await poolFlag(2, '--v8-pool-size=3')).toBeNull();
  });

  it('without dist/ says how to build it and runs the sources through tsx', async () => {
    // A checkout whose bin/ has no dist/ beside it; ratchet.mjs is the real one (a symlink), so it
    // finds tsx and src/ where they are.
    const bin = join(temp, 'checkout', 'bin');
    mkdirSync(bin, { recursive: true });
    copyFileSync(RATCHET_CLI, join(bin, 'ratchet'));
    symlinkSync(join(ROOT, 'bin', 'ratchet.mjs'), join(bin, 'ratchet.mjs'));
    const result = await run(join(bin, 'ratchet'), ['--help']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("dist is missing (run 'npm run build:cli')");
    expect(result.stdout).toContain('Usage: ratchet');
  });
});

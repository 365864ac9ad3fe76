/*
 * Materialises an image's pins as an isolated Python environment, the way the image would be built:
 * from the instance's package source only (a find-links folder offline, or one index), with hashes
 * required when the pins carry them. An environment is named by its lock hash, so a second trial of
 * the same image reuses it; it is built in a scratch folder and renamed into place when complete,
 * so a crash never leaves a half-built environment that looks reusable.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { TrialConfig } from './config.js';
import { childEnv, describeFailure, runProcess } from './process.js';
import type { ProcessResult } from './process.js';
import type { BuiltEnvironment, EnvironmentSpec, TrialPin } from './types.js';

/** Written last into a complete environment: what it was built from. */
const MARKER = '.ratchet-environment.json';

function pinLine(pin: TrialPin): string {
  const hashes = [...(pin.hashes ?? [])].sort().map((hash) => ` --hash=${hash}`);
  return `${pin.name.toLowerCase()}==${pin.version}${hashes.join('')}`;
}

/** sha256 of the interpreter version and the sorted pins (with their hashes): the environment's name. */
export function environmentLockHash(spec: Pick<EnvironmentSpec, 'python' | 'pins'>): string {
  const lines = spec.pins.map(pinLine).sort();
  return createHash('sha256')
    .update([`python ${spec.python}`, ...lines].join('\n'))
    .digest('hex');
}

/** requirements.txt for the installer; `--require-hashes` only when every pin carries a hash. */
function requirementsText(pins: readonly TrialPin[]): { text: string; hashed: boolean } {
  const hashed = pins.length > 0 && pins.every((pin) => (pin.hashes?.length ?? 0) > 0);
  return { text: `${pins.map(pinLine).join('\n')}\n`, hashed };
}

function sourceArgs(spec: EnvironmentSpec): string[] {
  return spec.source.kind === 'find-links'
    ? ['--no-index', '--find-links', spec.source.path]
    : ['--index-url', spec.source.url];
}

export interface EnvironmentOptions {
  readonly config: TrialConfig;
  readonly signal?: AbortSignal;
}

function envsDir(config: TrialConfig): string {
  return join(config.workDir, 'envs');
}

/** The environment's variables for uv: no user config, no interpreter downloads, offline for folders. */
function uvEnv(config: TrialConfig, spec: EnvironmentSpec): Record<string, string> {
  // A fresh environment: nothing the server's own variables say about indexes (UV_INDEX_URL,
  // PIP_FIND_LINKS, ...) may widen the source, and no secret of the server reaches the installer.
  return childEnv({
    HOME: join(config.workDir, 'home'),
    UV_CACHE_DIR: join(config.workDir, 'uv-cache'),
    UV_NO_CONFIG: '1',
    UV_PYTHON_DOWNLOADS: 'never',
    PIP_CONFIG_FILE: '/dev/null',
    ...(spec.source.kind === 'find-links' ? { UV_OFFLINE: '1' } : {}),
  });
}

async function step(
  what: string,
  program: string,
  args: readonly string[],
  options: EnvironmentOptions,
  env: Record<string, string | undefined>,
): Promise<ProcessResult> {
  const result = await runProcess(program, args, {
    env,
    limits: options.config.limits,
    signal: options.signal,
  });
  if (result.code !== 0 || result.stopped !== null) {
    throw new Error(describeFailure(what, result, options.config.limits));
  }
  return result;
}

async function build(dir: string, spec: EnvironmentSpec, options: EnvironmentOptions): Promise<void> {
  const { config } = options;
  const env = uvEnv(config, spec);
  const requirements = requirementsText(spec.pins);
  const requirementsFile = join(dir, 'requirements.txt');
  const python = join(dir, 'bin', 'python');
  if (config.uv !== null) {
    await step('uv venv', config.uv, ['venv', '--quiet', '--python', spec.python, dir], options, env);
    writeFileSync(requirementsFile, requirements.text);
    await step(
      'uv pip install',
      config.uv,
      [
        'pip',
        'install',
        '--quiet',
        '--python',
        python,
        // The pins are the whole image: nothing is resolved beyond them.
        '--no-deps',
        ...(requirements.hashed ? ['--require-hashes'] : []),
        ...sourceArgs(spec),
        '-r',
        requirementsFile,
      ],
      options,
      env,
    );
    return;
  }
  // Fallback without uv: the configured interpreter's venv module and the environment's own pip.
  await step('python -m venv', config.python, ['-m', 'venv', dir], options, env);
  writeFileSync(requirementsFile, requirements.text);
  await step(
    'pip install',
    python,
    [
      '-m',
      'pip',
      'install',
      '--quiet',
      '--isolated',
      '--disable-pip-version-check',
      '--no-deps',
      ...(requirements.hashed ? ['--require-hashes'] : []),
      ...sourceArgs(spec),
      '-r',
      requirementsFile,
    ],
    options,
    env,
  );
}

async function checkEnvironment(
  dir: string,
  spec: EnvironmentSpec,
  options: EnvironmentOptions,
): Promise<BuiltEnvironment['check']> {
  const { config } = options;
  const python = join(dir, 'bin', 'python');
  const [program, args] =
    config.uv !== null
      ? [config.uv, ['pip', 'check', '--python', python]]
      : [python, ['-m', 'pip', 'check', '--disable-pip-version-check']];
  const result = await runProcess(program, args, {
    env: uvEnv(config, spec),
    limits: config.limits,
    signal: options.signal,
  });
  if (result.stopped !== null) throw new Error(describeFailure('pip check', result, config.limits));
  return { ok: result.code === 0, output: `${result.stdout}${result.stderr}`.trim() };
}

/**
 * The environment for `spec`, built unless one with the same lock hash exists, then checked for
 * consistency (`uv pip check`). Throws when the installer fails (a pin missing from the source,
 * a hash that does not match): the message is the installer's own.
 *
 * @example
 * const env = await materialiseEnvironment(
 *   { python: '3.11', pins: [{ name: 'dbt-core', version: '1.10.23' }], source: { kind: 'find-links', path: '/srv/wheels' } },
 *   { config: trialConfigFromEnv() },
 * );
 */
export async function materialiseEnvironment(
  spec: EnvironmentSpec,
  options: EnvironmentOptions,
): Promise<BuiltEnvironment> {
  const lockHash = environmentLockHash(spec);
  const root = envsDir(options.config);
  const path = join(root, lockHash);
  mkdirSync(root, { recursive: true });
  mkdirSync(join(options.config.workDir, 'home'), { recursive: true });
  let reused = existsSync(join(path, MARKER));
  if (!reused) {
    const scratch = join(root, `.building-${lockHash.slice(0, 12)}-${randomBytes(4).toString('hex')}`);
    try {
      await build(scratch, spec, options);
      writeFileSync(
        join(scratch, MARKER),
        `${JSON.stringify({ lockHash, python: spec.python, pins: spec.pins })}\n`,
      );
      try {
        renameSync(scratch, path);
      } catch (error) {
        // Another trial built the same environment meanwhile: use theirs.
        if (!existsSync(join(path, MARKER))) throw error;
        reused = true;
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  } else {
    // Marks it recently used, so pruning keeps it.
    const now = new Date();
    utimesSync(path, now, now);
  }
  return { path, lockHash, reused, check: await checkEnvironment(path, spec, options) };
}

/** Removes all but the `keep` most recently used environments (and any scratch folder left behind). */
export function pruneEnvironments(config: TrialConfig, inUse: readonly string[] = []): string[] {
  const root = envsDir(config);
  if (!existsSync(root)) return [];
  const entries = readdirSync(root).map((name) => ({ name, mtime: statSync(join(root, name)).mtimeMs }));
  const complete = entries
    .filter((e) => !e.name.startsWith('.'))
    .sort((a, b) => b.mtime - a.mtime)
    .map((e) => e.name);
  const removed = complete.slice(config.keepEnvironments).filter((name) => !inUse.includes(name));
  for (const name of removed) rmSync(join(root, name), { recursive: true, force: true });
  return removed;
}

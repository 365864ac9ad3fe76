/*
 * Checks out a registered project's repository at a commit with the operator's git. The URL is the
 * one registered (already matched against the operator's allow-list); a credential travels as an
 * HTTP header through git's environment (GIT_CONFIG_*), never on the command line where `ps` shows it.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TrialConfig } from './config.js';
import { childEnv, describeFailure, runProcess } from './process.js';

export interface Checkout {
  readonly dir: string;
  readonly commit: string;
  remove(): void;
}

function gitEnv(credential: string | null, home: string): Record<string, string> {
  const env = childEnv({
    HOME: home,
    GIT_TERMINAL_PROMPT: '0',
    // No system or user config: hooks, helpers and URL rewrites of the server's account do not apply.
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
  });
  if (credential !== null) {
    const basic = Buffer.from(`x-access-token:${credential}`).toString('base64');
    env['GIT_CONFIG_COUNT'] = '1';
    env['GIT_CONFIG_KEY_0'] = 'http.extraHeader';
    env['GIT_CONFIG_VALUE_0'] = `Authorization: Basic ${basic}`;
  }
  return env;
}

/**
 * Clones `repoUrl` into `<work dir>/checkouts/<label>-<random>` and checks out `commit` (the default
 * branch head when null). Throws with git's own message when the clone or checkout fails.
 */
export async function checkoutProject(
  input: { repoUrl: string; commit: string | null; credential: string | null; label: string },
  options: { config: TrialConfig; signal?: AbortSignal },
): Promise<Checkout> {
  const { config } = options;
  const root = join(config.workDir, 'checkouts');
  mkdirSync(root, { recursive: true });
  const safeLabel = input.label.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 40);
  const dir = join(root, `${safeLabel}-${randomBytes(4).toString('hex')}`);
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  const env = gitEnv(input.credential, root);
  const git = async (what: string, args: readonly string[], cwd?: string): Promise<string> => {
    const result = await runProcess(config.git, args, {
      env,
      limits: config.limits,
      signal: options.signal,
      ...(cwd !== undefined ? { cwd } : {}),
    });
    if (result.code !== 0 || result.stopped !== null)
      throw new Error(describeFailure(what, result, config.limits));
    return result.stdout.trim();
  };
  try {
    // `--` ends the options: a URL can never be read as one.
    await git(`git clone of ${input.repoUrl}`, [
      'clone',
      '--quiet',
      '--no-checkout',
      '--',
      input.repoUrl,
      dir,
    ]);
    const target = input.commit ?? 'HEAD';
    await git(
      `git checkout of ${target}`,
      ['-c', 'advice.detachedHead=false', 'checkout', '--quiet', '--detach', target, '--'],
      dir,
    );
    const commit = await git('git rev-parse', ['rev-parse', 'HEAD'], dir);
    return { dir, commit, remove };
  } catch (error) {
    remove();
    throw error;
  }
}

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
import type { CommitSource } from './types.js';

export interface Checkout {
  readonly dir: string;
  readonly commit: string;
  /** Where `commit` came from (see CommitSource). */
  readonly source: CommitSource;
  /** Why the branch head stands in for the requested commit; null when it does not. */
  readonly note: string | null;
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
 * Clones `repoUrl` into `<scratch dir>/checkouts/<label>-<random>` and checks out `commit` (the
 * default branch head when null). When the repository no longer has `commit` (a force-push rewrote
 * it away, or the mirror is shallow) it checks out the branch head instead and says so in `note`:
 * judging today's code is better than judging nothing. Throws with git's own message when the
 * clone or checkout fails.
 */
export async function checkoutProject(
  input: { repoUrl: string; commit: string | null; credential: string | null; label: string },
  options: { config: TrialConfig; signal?: AbortSignal },
): Promise<Checkout> {
  const { config } = options;
  const root = join(config.scratchDir ?? config.workDir, 'checkouts');
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
    let target = input.commit ?? 'HEAD';
    let source: CommitSource = input.commit === null ? 'branch-head' : 'evidence';
    let note: string | null = null;
    if (input.commit !== null) {
      // `cat-file -e` answers whether the object exists without printing it; `^{commit}` refuses a
      // tag or tree that happens to share the prefix.
      const probe = await runProcess(config.git, ['cat-file', '-e', `${input.commit}^{commit}`], {
        env,
        cwd: dir,
        limits: config.limits,
        signal: options.signal,
      });
      if (probe.stopped !== null) throw new Error(describeFailure('git cat-file', probe, config.limits));
      if (probe.code !== 0) {
        target = 'HEAD';
        source = 'branch-head-fallback';
        note = `The repository no longer has commit ${input.commit}, the one the project last ran (force-pushed away, or a shallow mirror); the branch head was tried instead.`;
      }
    }
    await git(
      `git checkout of ${target}`,
      ['-c', 'advice.detachedHead=false', 'checkout', '--quiet', '--detach', target, '--'],
      dir,
    );
    const commit = await git('git rev-parse', ['rev-parse', 'HEAD'], dir);
    return { dir, commit, source, note, remove };
  } catch (error) {
    remove();
    throw error;
  }
}

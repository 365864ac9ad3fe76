/**
 * Issue 13, item 9: a deploy command's environment is the documented list, never the server's
 * secrets. A real child process writes the environment it got to a file; the test reads it back.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDeployer } from './create.js';
import type { DeployRequest } from './types.js';

const request: DeployRequest = {
  instanceId: 'ins_acme_prod',
  revision: 3,
  files: { 'requirements.txt': 'dbt-core==1.10.4\n', 'pylock.toml': 'lock-version = "1.0"\n' },
  metadata: {},
};

const SECRETS = {
  RATCHET_SECRET_KEY: 'c2VjcmV0LWtleS1zZWNyZXQta2V5LXNlY3JldC1rZXk=',
  RATCHET_DATABASE_URL: 'postgres://ratchet:db-password@db.internal/ratchet',
  RATCHET_WEBHOOK_SECRET: 'webhook-secret-0123456789',
  RATCHET_SMTP_URL: 'smtp://mailer:smtp-password@mail.internal:587',
  PGPASSWORD: 'pg-password',
  SOME_OTHER_TOKEN: 'unrelated-server-variable',
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ratchet-command-env-'));
  for (const [name, value] of Object.entries(SECRETS)) vi.stubEnv(name, value);
  vi.stubEnv('KUBECONFIG', '/etc/deploy/kubeconfig');
});
afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs a real deploy whose program (node) writes its whole environment to env.json. */
async function environmentSeen(): Promise<{ result: unknown; env: Record<string, string> | null }> {
  const out = join(dir, 'env.json');
  const deployer = createDeployer({
    kind: 'command',
    command: [
      process.execPath,
      '-e',
      'require("node:fs").writeFileSync(process.argv[1], JSON.stringify(process.env))',
      out,
    ],
    timeoutMs: 20_000,
  });
  const result = await deployer.deploy(request);
  let env: Record<string, string> | null = null;
  try {
    env = JSON.parse(readFileSync(out, 'utf8')) as Record<string, string>;
  } catch {
    env = null;
  }
  return { result, env };
}

describe('the command deployer environment', () => {
  it('gives the child PATH, HOME and the deploy variables, and none of the server secrets', async () => {
    const { result, env } = await environmentSeen();
    expect(result).toEqual({ status: 'deployed' });
    expect(env).not.toBeNull();
    expect(env!['PATH']).toBe(process.env['PATH']);
    if (process.env['HOME'] !== undefined) expect(env!['HOME']).toBe(process.env['HOME']);
    expect(env!['RATCHET_INSTANCE']).toBe('ins_acme_prod');
    expect(env!['RATCHET_REVISION']).toBe('3');
    for (const name of ['RATCHET_REQUIREMENTS', 'RATCHET_PYLOCK', 'RATCHET_METADATA', 'RATCHET_DEPLOY_DIR']) {
      expect(env![name], name).toMatch(/ratchet-deploy-/);
    }
    const allowed = new Set([
      ...['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR'],
      ...['RATCHET_INSTANCE', 'RATCHET_REVISION', 'RATCHET_REQUIREMENTS', 'RATCHET_PYLOCK'],
      ...['RATCHET_METADATA', 'RATCHET_DEPLOY_DIR'],
    ]);
    // Node may add a variable or two of its own in the child (none carry the parent's values).
    const unexpected = Object.keys(env!).filter((name) => !allowed.has(name) && name in process.env);
    expect(unexpected).toEqual([]);
    const text = JSON.stringify(env);
    for (const value of Object.values(SECRETS)) expect(text).not.toContain(value);
  });

  it('passes the variables the operator lists in RATCHET_DEPLOY_ENV, and only those', async () => {
    vi.stubEnv('RATCHET_DEPLOY_ENV', 'KUBECONFIG, NOT_SET_ANYWHERE');
    const { env } = await environmentSeen();
    expect(env!['KUBECONFIG']).toBe('/etc/deploy/kubeconfig');
    expect(env).not.toHaveProperty('NOT_SET_ANYWHERE');
    expect(env).not.toHaveProperty('SOME_OTHER_TOKEN');
    expect(env).not.toHaveProperty('RATCHET_DEPLOY_ENV');
  });

  it('refuses to pass the server configuration even when listed: the deploy fails saying why', async () => {
    vi.stubEnv('RATCHET_DEPLOY_ENV', 'KUBECONFIG,RATCHET_SECRET_KEY,PGPASSWORD');
    const { result, env } = await environmentSeen();
    expect(env).toBeNull();
    expect(result).toEqual({
      status: 'failed',
      reason:
        "RATCHET_DEPLOY_ENV names RATCHET_SECRET_KEY, PGPASSWORD: the server's own configuration (RATCHET_*, PG*) " +
        'is never given to deploy commands; remove it from the list.',
    });
  });
});

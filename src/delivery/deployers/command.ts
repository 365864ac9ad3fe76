import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { commandEnvironment } from './command-env.js';
import type { Deployer, DeployRequest, DeployResult } from './types.js';

export interface CommandDeployerOptions {
  command: string[];
  timeoutMs: number;
}

/** Enough of stderr to say why, not a whole build log. */
const STDERR_TAIL_BYTES = 2048;
/** After SIGTERM, how long the command gets to clean up before SIGKILL. */
const KILL_GRACE_MS = 2000;

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    // Negative pid: the whole process group, so `sh -c '...'` does not leave its children running.
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * Runs a configured program to deploy: the files are written to a fresh temp directory (its cwd),
 * and the revision is described in env vars. The program and its arguments come from the operator's
 * config and are spawned without a shell; request data reaches it only through files and env
 * values, never through a command line a shell would parse.
 *
 * Env: `RATCHET_INSTANCE`, `RATCHET_REVISION`, `RATCHET_REQUIREMENTS` and `RATCHET_PYLOCK` (paths of
 * the rendered files), `RATCHET_METADATA` (path of metadata.json), `RATCHET_DEPLOY_DIR`, and only
 * the few server variables command-env.ts lists: never the server's secrets. Exit 0 is
 * success; anything else, or running past `timeoutMs`, is a failure with the stderr tail as reason.
 */
export function createCommandDeployer(options: CommandDeployerOptions): Deployer {
  const [program, ...args] = options.command;
  return {
    kind: 'command',
    async deploy(request: DeployRequest): Promise<DeployResult> {
      const dir = await mkdtemp(join(tmpdir(), 'ratchet-deploy-'));
      try {
        const requirements = join(dir, 'requirements.txt');
        const pylock = join(dir, 'pylock.toml');
        const metadata = join(dir, 'metadata.json');
        await writeFile(requirements, request.files['requirements.txt']);
        await writeFile(pylock, request.files['pylock.toml']);
        await writeFile(metadata, JSON.stringify(request.metadata, null, 2));
        let env: NodeJS.ProcessEnv;
        try {
          env = commandEnvironment({
            RATCHET_INSTANCE: request.instanceId,
            RATCHET_REVISION: String(request.revision),
            RATCHET_REQUIREMENTS: requirements,
            RATCHET_PYLOCK: pylock,
            RATCHET_METADATA: metadata,
            RATCHET_DEPLOY_DIR: dir,
          });
        } catch (error) {
          return { status: 'failed', reason: (error as Error).message };
        }
        return await run(program!, args, options.timeoutMs, dir, env);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

function run(
  program: string,
  args: string[],
  timeoutMs: number,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<DeployResult> {
  return new Promise((resolve) => {
    let stderr = Buffer.alloc(0);
    let timedOut = false;
    let settled = false;
    const finish = (result: DeployResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(killer);
      resolve(result);
    };
    const tail = (): string => stderr.toString('utf8').trim();

    const child = spawn(program, args, {
      cwd,
      env,
      shell: false,
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr.on('data', (chunk: Buffer) => {
      const joined = Buffer.concat([stderr, chunk]);
      stderr = joined.subarray(Math.max(0, joined.length - STDERR_TAIL_BYTES));
    });
    let killer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid, 'SIGTERM');
      killer = setTimeout(() => {
        killGroup(child.pid, 'SIGKILL');
        // A grandchild that escaped the group may hold stderr open; do not wait for it forever.
        setTimeout(() => finish(timeoutResult()), KILL_GRACE_MS).unref();
      }, KILL_GRACE_MS);
    }, timeoutMs);
    const timeoutResult = (): DeployResult => ({
      status: 'failed',
      reason: `deploy command timed out after ${timeoutMs} ms and was killed${tail() ? `: ${tail()}` : ''}`,
    });

    child.on('error', (error) => {
      finish({ status: 'failed', reason: `could not start deploy command ${program}: ${error.message}` });
    });
    child.on('close', (code, signal) => {
      if (timedOut) return finish(timeoutResult());
      if (code === 0) return finish({ status: 'deployed' });
      const how = code === null ? `was killed by ${signal}` : `exited with code ${code}`;
      finish({ status: 'failed', reason: `deploy command ${how}${tail() ? `: ${tail()}` : ''}` });
    });
  });
}

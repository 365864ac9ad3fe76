import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../domain/errors/index.js';
import { DATA_DIR_LOCK_FILE, lockDataDir } from '../../store/data-dir-lock.js';
import type { DemoSeed, DemoUser } from '../../workflows/index.js';
import { action, isJson, printResult, renderTable } from '../output.js';
import { ensurePortFree, parsePort, runServer } from '../run-server.js';

const DEFAULT_DEMO_DIR = '.ratchet/demo';

/** Written into every demo data directory: only a directory carrying it may be wiped by the next demo. */
export const DEMO_MARKER = '.ratchet-demo';

/**
 * The demo always starts from scratch, but it only wipes a directory an earlier demo made (it
 * carries DEMO_MARKER). A real data directory holds a Ratchet database too, so "looks like Ratchet"
 * is not enough: RATCHET_DATA_DIR left pointing at real data must never be erased by `ratchet demo`.
 */
export function freshDataDir(dir: string): void {
  if (existsSync(dir)) {
    const files = readdirSync(dir).filter((file) => file !== DATA_DIR_LOCK_FILE);
    if (files.length > 0 && !files.includes(DEMO_MARKER)) {
      throw new InputError(
        `The demo needs a fresh data directory, but ${dir} holds files no demo made (${files.sort()[0]!}).`,
        {
          remedy: `Choose another directory with --data-dir / RATCHET_DATA_DIR, or remove ${dir} if its data is not needed.`,
        },
      );
    }
    // A demo still running holds the directory's lock: taking it first refuses (ConflictError naming
    // that process) before a single file of the live database is deleted.
    const lock = lockDataDir(dir);
    try {
      for (const file of files) rmSync(join(dir, file), { recursive: true, force: true });
    } finally {
      lock.release();
    }
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, DEMO_MARKER), 'Made by `ratchet demo`: the next demo deletes this directory.\n');
}

interface DemoAnnouncement {
  url: string;
  dataDir: string;
  users: { name: string; role: string; tenantId: string | null; token: string }[];
}

function announce(result: DemoAnnouncement): string {
  return [
    `Ratchet demo is running on ${result.url}`,
    `OpenAPI: ${result.url}/openapi.json   data: ${result.dataDir}`,
    '',
    'Demo users and their bearer tokens (admin first):',
    renderTable(result.users, [
      { header: 'name', value: (u) => u.name },
      { header: 'role', value: (u) => u.role },
      { header: 'token', value: (u) => u.token },
    ]),
    '',
    `Try: RATCHET_URL=${result.url} RATCHET_TOKEN=${result.users[0]?.token ?? ''} ./bin/ratchet tenants list`,
  ].join('\n');
}

function demoUsers(seed: DemoSeed): DemoUser[] {
  const { providerAdmin, providerEngineer, bea, ana, globexAdmin } = seed.users;
  return [providerAdmin, providerEngineer, bea, ana, globexAdmin];
}

export function register(program: Command): void {
  program
    .command('demo')
    .description('start the API on a fresh embedded database with demo tenants, instances and users')
    .option('--port <port>', 'port to listen on (0 picks a free one)', process.env.RATCHET_PORT ?? '8080')
    .option('--host <host>', 'interface to listen on', process.env.RATCHET_HOST ?? '127.0.0.1')
    .option('--data-dir <dir>', 'demo data directory (env RATCHET_DATA_DIR)', process.env.RATCHET_DATA_DIR)
    .action(
      action(async (command) => {
        const options = command.opts<{ port: string; host: string; dataDir?: string }>();
        const dataDir = resolve(options.dataDir ?? DEFAULT_DEMO_DIR);
        const port = parsePort(options.port);
        await ensurePortFree(options.host, port);
        freshDataDir(dataDir);
        // Imported here, not at the top: every `ratchet` command loads this file, few start a server.
        const { createDemoClock, seedDemo } = await import('../../workflows/index.js');
        // The seed records the demo's history at the times it happened (deployments weeks ago).
        const clock = createDemoClock();
        const { url, prepared } = await runServer(
          { port, host: options.host, dataDir, now: clock.now },
          (store) => seedDemo(store, { clock }),
        );
        const users = demoUsers(prepared).map(({ user, token }) => ({
          name: user.name,
          role: user.role,
          tenantId: user.tenantId,
          token,
        }));
        printResult({ url, dataDir, users }, { json: isJson(command), human: announce });
      }),
    );
}

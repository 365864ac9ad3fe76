/**
 * The CLI as a user runs it: real `./bin/ratchet` processes, a real server on a temp data dir.
 * Process starts are slow (tsx), so each one checks as much as it honestly can.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RATCHET_CLI, runRatchet } from '../../test/support/cli.js';
import type { CliRun } from '../../test/support/cli.js';

function ratchet(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return runRatchet(args, { ...process.env, ...env });
}

function freePort(): Promise<number> {
  return new Promise((done, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => done(port));
    });
  });
}

/** Starts `ratchet serve --json` and resolves with its one startup JSON document. */
interface Announcement {
  url: string;
  bootstrap: { created: boolean; token: { token: string } };
}

function serve(dataDir: string, port: number): Promise<{ child: ChildProcess; announced: Announcement }> {
  return new Promise((done, reject) => {
    const child = spawn(RATCHET_CLI, ['serve', '--json', '--port', String(port), '--data-dir', dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      try {
        done({ child, announced: JSON.parse(stdout) as Announcement });
      } catch {
        // Not the whole document yet.
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
}

describe('ratchet CLI', () => {
  let dataDir: string;
  let server: ChildProcess | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ratchet-cli-'));
    const port = await freePort();
    const { child, announced } = await serve(dataDir, port);
    server = child;
    expect(announced.url).toBe(`http://127.0.0.1:${port}`);
    expect(announced.bootstrap.created).toBe(true);
    env = { RATCHET_URL: announced.url, RATCHET_TOKEN: announced.bootstrap.token.token };
  });

  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((done) => server!.once('exit', done));
      server.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints help listing the commands, exit 0', async () => {
    const run = await ratchet(['--help']);
    expect(run.code).toBe(0);
    for (const command of ['serve', 'demo', 'tenants', 'instances', 'history', 'audit']) {
      expect(run.stdout).toContain(command);
    }
  });

  it('exits 2 on bad usage and says what is missing', async () => {
    const run = await ratchet(['tenants', 'create', '--name', 'Acme', '--json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/missing required argument 'slug'/);
    expect(JSON.parse(run.stdout)).toMatchObject({ error: { kind: 'usage' } });
  });

  it('creates and lists tenants against the server, one JSON document each', async () => {
    const created = await ratchet(['tenants', 'create', 'acme', '--name', 'Acme Corp', '--json'], env);
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ slug: 'acme', name: 'Acme Corp' });

    const again = await ratchet(['tenants', 'create', 'acme', '--name', 'Acme Corp', '--json'], env);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout).error).toMatchObject({ kind: 'conflict' });

    const listed = await ratchet(['tenants', 'list', '--json'], env);
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as { slug: string }[]).map((t) => t.slug)).toEqual(['acme']);
  });

  it('verifies the audit chain (exit 0), then names the tampered entry (exit 1)', async () => {
    const intact = await ratchet(['audit', 'verify', '--json'], env);
    expect(intact.code, intact.stderr).toBe(0);
    const result = JSON.parse(intact.stdout) as { ok: boolean; entries: number };
    expect(result).toMatchObject({ ok: true });
    expect(result.entries).toBeGreaterThanOrEqual(2);

    const database = new BetterSqlite3(join(dataDir, 'ratchet.sqlite'));
    database.prepare("UPDATE audit_log SET target = 'tenant:forged' WHERE seq = 2").run();
    database.close();

    // Directly against the database, as when the server is down: no token needed.
    const broken = await ratchet(['audit', 'verify', '--data-dir', dataDir]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/BROKEN at entry 2/);
  });
});

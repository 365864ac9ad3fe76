/**
 * Issue 8: "The SQLite engine refuses a second server process on the same data directory with a
 * clear message, never corrupts." Real `ratchet serve` processes, not in-process servers.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'ratchet');
const started: ChildProcess[] = [];

interface Served {
  child: ChildProcess;
  url: string;
  token: string | null;
}

function env(): NodeJS.ProcessEnv {
  const copy = { ...process.env };
  delete copy['RATCHET_DATABASE_URL'];
  return copy;
}

/** Starts `ratchet serve --json` and resolves with its announcement. */
function serve(dataDir: string): Promise<Served> {
  const child = spawn(BIN, ['serve', '--data-dir', dataDir, '--port', '0', '--json'], {
    env: env(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  return new Promise((resolvePromise, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`serve did not announce in 60 s: ${err}`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      try {
        const doc = JSON.parse(out) as { url: string; bootstrap: { token?: { token: string } } };
        clearTimeout(timer);
        resolvePromise({ child, url: doc.url, token: doc.bootstrap.token?.token ?? null });
      } catch {
        // Not the whole document yet.
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${String(code)} before announcing: ${err}`));
    });
  });
}

/** Runs a second `serve` to completion (it must not keep running), with a hard bound. */
function serveToExit(dataDir: string): { status: number | null; stderr: string; stdout: string } {
  const result = spawnSync(BIN, ['serve', '--data-dir', dataDir, '--port', '0', '--json'], {
    env: env(),
    encoding: 'utf8',
    timeout: 40_000,
  });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => child.once('exit', () => resolvePromise()));
}

afterAll(async () => {
  for (const child of started) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited(child);
    }
  }
});

describe('ratchet serve on one SQLite data directory', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ratchet-two-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('refuses a second server with a clear message and a nonzero exit, and survives SIGKILL of the first', async () => {
    const first = await serve(dataDir);
    expect(first.token).toMatch(/^rtk_/);
    const auth = { authorization: `Bearer ${first.token!}` };
    const created = await fetch(`${first.url}/api/v1/tenants`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ slug: 'acme', name: 'Acme' }),
    });
    expect(created.status).toBeLessThan(300);

    const second = serveToExit(dataDir);
    expect(second.status).not.toBe(0);
    expect(second.status).not.toBeNull(); // null would mean it kept running until the timeout
    expect(second.stderr + second.stdout).toMatch(/in use by another Ratchet server \(process \d+\)/);
    // The first server still answers and still has its data.
    const list = await fetch(`${first.url}/api/v1/tenants`, { headers: auth });
    expect(list.status).toBe(200);
    expect(await list.text()).toContain('acme');

    // A crash leaves the lock file behind; its owner is dead, so the next start takes it over.
    first.child.kill('SIGKILL');
    await exited(first.child);
    expect(existsSync(join(dataDir, 'ratchet.lock'))).toBe(true);
    const third = await serve(dataDir);
    const again = await fetch(`${third.url}/api/v1/tenants`, { headers: auth });
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('acme');
    third.child.kill('SIGTERM');
    await exited(third.child);
    // A clean stop removes the lock.
    expect(existsSync(join(dataDir, 'ratchet.lock'))).toBe(false);

    const verify = spawnSync(BIN, ['audit', 'verify', '--data-dir', dataDir, '--json'], {
      env: env(),
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(verify.status, verify.stderr).toBe(0);
    const database = new BetterSqlite3(join(dataDir, 'ratchet.sqlite'), { readonly: true });
    try {
      expect(database.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      database.close();
    }
  }, 90_000);
});

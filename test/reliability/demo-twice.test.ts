/**
 * Issue 17: a second `ratchet demo` in the same folder used to delete the running demo's database
 * (its SQLite files and lock), seed a new one, and only then fail on the taken port. Both refusals
 * now come before anything is touched: the live demo keeps its files and keeps answering.
 */
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_MARKER } from '../../src/cli/commands/demo.js';
import { runRatchet } from '../support/cli.js';
import { callApi, cleanEnvironment, killStartedServers, startServer } from '../support/processes.js';
import type { ServerProcess } from '../support/processes.js';

describe('a second ratchet demo beside a running one', () => {
  const dirs: string[] = [];
  let first: ServerProcess;
  let firstDir: string;
  afterAll(async () => {
    await killStartedServers();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  function scratch(): string {
    const dir = mkdtempSync(join(tmpdir(), 'ratchet-demo-twice-'));
    dirs.push(dir);
    return dir;
  }

  function filesOf(dir: string): Record<string, number> {
    return Object.fromEntries(readdirSync(dir).map((file) => [file, statSync(join(dir, file)).ino]));
  }

  it('starts the first demo', { timeout: 60_000 }, async () => {
    firstDir = scratch();
    first = await startServer({ dataDir: firstDir }, {}, 'demo');
    expect((await callApi(first.url, 'GET', '/readyz')).status).toBe(200);
  });

  it('refuses the same data directory, naming the running demo, and deletes nothing', async () => {
    const before = filesOf(firstDir);
    expect(Object.keys(before)).toEqual(
      expect.arrayContaining([DEMO_MARKER, 'ratchet.lock', 'ratchet.sqlite']),
    );
    const second = await runRatchet(['demo', '--port', '0', '--data-dir', firstDir], cleanEnvironment());
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`in use by another Ratchet server (process ${String(first.pid)})`);
    expect(filesOf(firstDir)).toEqual(before);
    expect((await callApi(first.url, 'GET', '/readyz')).status).toBe(200);
  });

  it("refuses the running demo's port before touching its own data directory", async () => {
    const earlierDemo = scratch();
    writeFileSync(join(earlierDemo, DEMO_MARKER), 'an earlier demo\n');
    writeFileSync(join(earlierDemo, 'ratchet.sqlite'), 'its database\n');
    const before = filesOf(earlierDemo);
    const port = new URL(first.url).port;
    const second = await runRatchet(['demo', '--port', port, '--data-dir', earlierDemo], cleanEnvironment());
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`Port ${port} on 127.0.0.1 is already in use.`);
    expect(filesOf(earlierDemo)).toEqual(before);
    expect((await callApi(first.url, 'GET', '/readyz')).status).toBe(200);
  });
});

/**
 * Real `ratchet serve` processes for the crash and multi-process tests (issue 8): start one on a
 * data directory or PostgreSQL database, talk HTTP to it, SIGKILL it at a chosen point, and clean
 * up only the processes and databases started here.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import { createScratchDatabase } from './scratch-postgres.js';
import { parseRevisionContent } from '../../src/domain/revisions/index.js';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/index.js';
import { seedDemo } from '../../src/workflows/index.js';
import type { EngineCase } from './engines.js';

export const RATCHET_BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'ratchet');

/** Where a server keeps its data: a SQLite data directory or a PostgreSQL database. */
export interface Site {
  engine: EngineCase;
  dataDir?: string;
  databaseUrl?: string;
  /** Opens a Store on the same data, from the test process (close it before the next kill). */
  open(): Promise<Store>;
  /** Deletes the directory or drops the database. */
  destroy(): Promise<void>;
}

/** A fresh, empty site on `engine` (a temp directory, or a new database dropped in `destroy`). */
export async function createSite(engine: EngineCase): Promise<Site> {
  if (engine === 'sqlite') {
    const dataDir = mkdtempSync(join(tmpdir(), 'ratchet-crash-'));
    return {
      engine,
      dataDir,
      open: () => openStore({ dataDir, databaseUrl: '' }),
      destroy: () => Promise.resolve(rmSync(dataDir, { recursive: true, force: true })),
    };
  }
  const database = await createScratchDatabase('ratchet_proc');
  const databaseUrl = database.url;
  return {
    engine,
    databaseUrl,
    open: () => openStore({ databaseUrl }),
    destroy: database.drop,
  };
}

/** The demo users' tokens, seeded into `site` from the test process before any server starts. */
export interface SeededTokens {
  admin: string;
  engineer: string;
  bea: string;
}

export async function seedSite(site: Site): Promise<SeededTokens> {
  const store = await site.open();
  try {
    const seed = await seedDemo(store);
    return {
      admin: seed.users.providerAdmin.token,
      engineer: seed.users.providerEngineer.token,
      bea: seed.users.bea.token,
    };
  } finally {
    await store.close();
  }
}

export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  /** Everything the server wrote to stderr (its JSON log), for failure messages. */
  log(): string;
  /** SIGKILL, then wait until the process is gone: no shutdown hook runs. */
  kill(): Promise<void>;
  /** SIGTERM (clean shutdown), then wait. */
  stop(): Promise<void>;
}

const running = new Set<ServerProcess>();

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => child.once('exit', () => resolvePromise()));
}

/**
 * This process's environment without any `RATCHET_` variable, plus `env`: a child `ratchet` sees
 * only the configuration its test gives it, whatever the shell running the suite exports.
 */
export function cleanEnvironment(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('RATCHET_')) clean[key] = value;
  return { ...clean, ...env };
}

/**
 * Starts `ratchet serve --json` (or `ratchet demo --json`) on `site` with `env` added to a copy of
 * this process's environment from which every `RATCHET_` variable was removed, and resolves with
 * its announced URL.
 */
export function startServer(
  site: Pick<Site, 'dataDir' | 'databaseUrl'>,
  env: Record<string, string> = {},
  command: 'serve' | 'demo' = 'serve',
): Promise<ServerProcess> {
  const childEnv = cleanEnvironment({
    ...(site.databaseUrl !== undefined ? { RATCHET_DATABASE_URL: site.databaseUrl } : {}),
    ...env,
  });
  const args = [command, '--port', '0', '--json'];
  if (site.dataDir !== undefined) args.push('--data-dir', site.dataDir);
  const child = spawn(RATCHET_BIN, args, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`ratchet ${command} did not announce within 30 s: ${err.slice(-2000)}`));
    }, 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      let doc: { url?: unknown };
      try {
        doc = JSON.parse(out) as { url?: unknown };
      } catch {
        return; // Not the whole document yet.
      }
      clearTimeout(timer);
      if (typeof doc.url !== 'string') {
        reject(new Error(`ratchet ${command} announced no URL: ${out} ${err.slice(-2000)}`));
        return;
      }
      const url = doc.url;
      const server: ServerProcess = {
        child,
        pid: child.pid!,
        url,
        log: () => err,
        async kill() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          await exited(child);
          running.delete(server);
        },
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited(child);
          running.delete(server);
        },
      };
      running.add(server);
      resolvePromise(server);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(
          `ratchet ${command} exited (${String(code ?? signal)}) before announcing: ${err.slice(-2000)}`,
        ),
      );
    });
  });
}

/** For afterAll: SIGKILLs every server started here that is still running (by its own handle). */
export async function killStartedServers(): Promise<void> {
  await Promise.all([...running].map((server) => server.kill()));
}

export interface ApiAnswer {
  status: number;
  json: Record<string, unknown>;
  text: string;
}

/** One JSON request to a server. */
export async function callApi(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<ApiAnswer> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    // Not JSON: read `text`.
  }
  return { status: response.status, json, text };
}

/** Polls `check` every 200 ms until it returns true, or fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 200));
  }
}

interface RevisionRow {
  instance_id: string;
  layer: 'infrastructure' | 'platform' | 'image';
  number: number;
  content: string;
}

/**
 * What is wrong with the stored revisions, read raw (not through the API, which could hide a bad
 * row): per instance and layer the numbers must run 1..n without gaps or repeats, and every
 * content must parse as JSON and validate against its layer's schema. Empty means intact.
 */
export async function revisionProblems(store: Store): Promise<string[]> {
  const { rows } = await sql<RevisionRow>`select instance_id, layer, number, content from revisions`.execute(
    store.db,
  );
  const problems: string[] = [];
  const numbers = new Map<string, number[]>();
  for (const row of rows) {
    const key = `${row.instance_id}/${row.layer}`;
    numbers.set(key, [...(numbers.get(key) ?? []), Number(row.number)]);
    try {
      parseRevisionContent(row.layer, JSON.parse(row.content));
    } catch (error) {
      problems.push(`${key} #${row.number}: content does not parse (${String(error)})`);
    }
  }
  for (const [key, list] of numbers) {
    const sorted = [...list].sort((a, b) => a - b);
    if (sorted.some((n, i) => n !== i + 1)) problems.push(`${key}: numbers ${sorted.join(',')} not 1..n`);
  }
  return problems;
}

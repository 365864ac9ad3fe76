/**
 * Index servers written by others, serving a folder of wheels on 127.0.0.1 for one test file:
 * pypiserver (PEP 503 HTML only) and devpi-server (PEP 691 JSON or PEP 503 HTML by content
 * negotiation, PEP 658 metadata with --enable-core-metadata), both from the pinned tools venvs
 * (scripts/python-tools.toml). A recording proxy in front of either says what a client asked for
 * and what came back, so a test can tell which protocol was spoken.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { PythonTools } from './python-tools.js';

const run = promisify(execFile);

export interface RunningIndex {
  /** The simple index root, ending in `/`. */
  readonly url: string;
  stop(): Promise<void>;
}

/** A port nobody listens on right now (the server is started on it next; a clash is retried). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function waitForHttp(
  url: string,
  child: ChildProcess,
  output: () => string,
  timeoutMs = 90_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the index server exited (${child.exitCode}):\n${output()}`);
    try {
      const response = await fetch(url);
      if (response.status < 500) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`the index server did not answer ${url} within ${timeoutMs / 1000} s:\n${output()}`);
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((done) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        done();
        return;
      }
      child.once('exit', () => done());
      child.kill('SIGTERM');
    });
}

function spawnServer(command: string, args: string[]): { child: ChildProcess; output: () => string } {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (chunk: Buffer): void => {
    log = (log + chunk.toString()).slice(-8000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return { child, output: () => log };
}

/** pypiserver serving `dir` as it is (no upload), without its fallback redirect to pypi.org. */
export async function startPypiServer(tools: PythonTools, dir: string): Promise<RunningIndex> {
  const port = await freePort();
  const { child, output } = spawnServer(tools.command('tools', 'pypi-server'), [
    'run',
    '-i',
    '127.0.0.1',
    '-p',
    String(port),
    '--disable-fallback',
    '--hash-algo',
    'sha256',
    '--log-stream',
    'none',
    dir,
  ]);
  const url = `http://127.0.0.1:${port}/simple/`;
  const stop = stopper(child);
  try {
    await waitForHttp(url, child, output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}

/**
 * devpi-server in offline mode on a fresh server directory under `work`, with one index
 * `root/wheels` (no PyPI mirror behind it) holding every wheel of `dir`, uploaded with devpi-client.
 */
export async function startDevpi(
  tools: PythonTools,
  dir: string,
  work: string,
  { coreMetadata = true }: { coreMetadata?: boolean } = {},
): Promise<RunningIndex> {
  const serverDir = join(work, 'devpi-server');
  const clientDir = join(work, 'devpi-client');
  mkdirSync(work, { recursive: true });
  const password = 'test-only-devpi-root';
  await run(tools.command('devpi', 'devpi-init'), [
    '--serverdir',
    serverDir,
    '--no-root-pypi',
    '--root-passwd',
    password,
  ]);
  const port = await freePort();
  const args = ['--serverdir', serverDir, '--host', '127.0.0.1', '--port', String(port), '--offline-mode'];
  if (coreMetadata) args.push('--enable-core-metadata');
  const { child, output } = spawnServer(tools.command('devpi', 'devpi-server'), args);
  const root = `http://127.0.0.1:${port}`;
  const stop = stopper(child);
  try {
    await waitForHttp(`${root}/+api`, child, output);
    const devpi = (...command: string[]): Promise<unknown> =>
      run(tools.command('devpi', 'devpi'), [...command, '--clientdir', clientDir], { maxBuffer: 16 << 20 });
    await devpi('use', root);
    await devpi('login', 'root', '--password', password);
    await devpi('index', '-c', 'root/wheels', 'bases=');
    await devpi('use', 'root/wheels');
    await devpi('upload', '--from-dir', dir);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `${root}/root/wheels/+simple/`, stop };
}

export interface RecordedExchange {
  readonly method: string;
  readonly path: string;
  readonly accept: string;
  readonly status: number;
  readonly contentType: string;
}

export interface RecordingProxy extends RunningIndex {
  readonly exchanges: RecordedExchange[];
}

/**
 * Forwards every request to `target` (an index URL) unchanged, keeping the Host header so the
 * server builds its links to the proxy, and records each exchange.
 */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const exchanges: RecordedExchange[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    const forwarded = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        exchanges.push({
          method: incoming.method ?? 'GET',
          path: incoming.url ?? '/',
          accept: String(incoming.headers.accept ?? ''),
          status: answer.statusCode ?? 0,
          contentType: String(answer.headers['content-type'] ?? ''),
        });
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', (error) => {
      outgoing.writeHead(502).end(String(error));
    });
    incoming.pipe(forwarded);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no port');
  const url = new URL(upstream.pathname, `http://127.0.0.1:${address.port}`).href;
  return {
    url,
    exchanges,
    stop: () => new Promise((done) => server.close(() => done())),
  };
}

/** The wheel files of a folder (what an index built from it lists). */
export function wheelsIn(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.endsWith('.whl'));
}

/**
 * For tests only: a real server on a free port over a fresh SQLite store, seeded with the demo data,
 * and a small `call` that speaks HTTP to it. Not exported from index.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { openStore } from '../store/index.js';
import type { Store } from '../store/index.js';
import { seedDemo } from '../workflows/index.js';
import type { DemoSeed } from '../workflows/index.js';
import type { QuotaConfig } from './quotas.js';
import { startServer } from './server.js';

export interface CallOptions {
  token?: string;
  body?: unknown;
  /** Sent as-is instead of JSON.stringify(body). */
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  contentType: string;
  headers: Headers;
  json: Record<string, unknown> & { [key: string]: unknown };
  text: string;
}

export interface TestServer {
  url: string;
  app: FastifyInstance;
  store: Store;
  seed: DemoSeed;
  /** Moves the store's clock forward (token expiry). */
  advanceClock(ms: number): void;
  call(method: string, path: string, options?: CallOptions): Promise<CallResult>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  bodyLimit?: number;
  logger?: Logger;
  quotas?: QuotaConfig;
  /** A PostgreSQL database to use instead of a fresh SQLite one (the caller creates and drops it). */
  databaseUrl?: string;
  /** The sealing key a PostgreSQL store needs for webhook deployer secrets. */
  secretKey?: string;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ratchet-api-'));
  let offset = 0;
  const store = await openStore({
    dataDir,
    now: () => new Date(Date.now() + offset),
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    ...(options.secretKey ? { secretKey: options.secretKey } : {}),
  });
  // The demo's history at its story's times (deployments weeks ago), then the real clock again.
  const seed = await seedDemo(store, {
    clock: {
      at(moment) {
        offset = moment === null ? 0 : moment.getTime() - Date.now();
      },
    },
  });
  const { app, url } = await startServer({
    store,
    logger: options.logger ?? false,
    port: 0,
    host: '127.0.0.1',
    ...(options.bodyLimit ? { bodyLimit: options.bodyLimit } : {}),
    ...(options.quotas ? { quotas: options.quotas } : {}),
  });

  async function call(method: string, path: string, callOptions: CallOptions = {}): Promise<CallResult> {
    const headers: Record<string, string> = { ...callOptions.headers };
    if (callOptions.token) headers.authorization = `Bearer ${callOptions.token}`;
    let body: string | undefined = callOptions.rawBody;
    if (body === undefined && callOptions.body !== undefined) body = JSON.stringify(callOptions.body);
    if (body !== undefined && headers['content-type'] === undefined)
      headers['content-type'] = 'application/json';
    const response = await fetch(`${url}${path}`, { method, headers, body });
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      json = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
    } catch {
      // Non-JSON bodies (metrics, HTML) are read through `text`.
    }
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      headers: response.headers,
      json,
      text,
    };
  }

  return {
    url,
    app,
    store,
    seed,
    advanceClock: (ms) => {
      offset += ms;
    },
    call,
    close: async () => {
      await app.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { InputError, NotFoundError, UnavailableError } from '../../domain/errors/index.js';
import { buildWheel } from '../../../test/support/wheels/index.js';
import type { SimpleIndexServer, SimpleIndexServerOptions } from '../test-server/index.js';
import { startSimpleIndexServer } from '../test-server/index.js';
import type { FetchProgress } from '../types.js';
import { openSimpleIndex, SIMPLE_ACCEPT } from './index.js';

let dir: string;
const servers: SimpleIndexServer[] = [];
const scratch: string[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ratchet-simple-'));
  buildWheel(dir, {
    name: 'dbt-core',
    version: '1.9.0',
    requiresPython: '>=3.8',
    requiresDist: ['agate>=1.7'],
  });
  buildWheel(dir, {
    name: 'dbt-core',
    version: '1.10.0',
    requiresPython: '>=3.9',
    requiresDist: ['agate>=1.9'],
  });
  buildWheel(dir, { name: 'dbt-core', version: '1.10.1', requiresPython: '>=3.9' });
  buildWheel(dir, { name: 'dbt-core', version: '1.10.2', requiresPython: '>=3.9' });
  writeFileSync(join(dir, 'dbt_core-1.11.0.tar.gz'), 'sdist bytes');
  writeFileSync(
    join(dir, 'yanked.json'),
    JSON.stringify({
      'dbt_core-1.10.1-py3-none-any.whl': 'Breaks <adapters> & macros',
      'dbt_core-1.10.2-py3-none-any.whl': '',
    }),
  );
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  for (const path of scratch) rmSync(path, { recursive: true, force: true });
});

async function serve(options: Partial<SimpleIndexServerOptions> = {}): Promise<SimpleIndexServer> {
  const server = await startSimpleIndexServer({ dir, ...options });
  servers.push(server);
  return server;
}

function fileRequests(server: SimpleIndexServer): string[] {
  return server.requests.filter((request) => request.includes('/files/'));
}

describe.each(['json', 'html'] as const)('openSimpleIndex over %s', (format) => {
  it('lists releases with PEP 592 yanks, Requires-Python and PEP 658 metadata links', async () => {
    const server = await serve({ format });
    const releases = await openSimpleIndex(server.url).listReleases('DBT.core');
    expect(releases?.name).toBe('dbt-core');
    expect([...releases!.versions.keys()]).toEqual(['1.9.0', '1.10.0', '1.10.1', '1.10.2', '1.11.0']);
    const [wheel] = releases!.versions.get('1.10.0')!;
    expect(wheel).toMatchObject({
      filename: 'dbt_core-1.10.0-py3-none-any.whl',
      url: server.url.replace('/simple/', '/files/dbt_core-1.10.0-py3-none-any.whl'),
      requiresPython: '>=3.9',
      yanked: false,
      kind: 'wheel',
      metadataUrl: server.url.replace('/simple/', '/files/dbt_core-1.10.0-py3-none-any.whl.metadata'),
    });
    expect(wheel?.hashes.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(releases!.versions.get('1.10.1')![0]!.yanked).toEqual({ reason: 'Breaks <adapters> & macros' });
    // PEP 592: a yank without a reason is still a yank.
    expect(releases!.versions.get('1.10.2')![0]!.yanked).toEqual({ reason: null });
    expect(releases!.versions.get('1.11.0')![0]!.kind).toBe('sdist');
    if (format === 'json') expect(wheel?.uploadTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  it('reads metadata from the PEP 658 file without downloading the wheel', async () => {
    const server = await serve({ format });
    const metadata = await openSimpleIndex(server.url).fetchMetadata('dbt-core', '1.10.0');
    expect(metadata).toMatchObject({ name: 'dbt-core', version: '1.10.0', requiresDist: ['agate>=1.9'] });
    expect(fileRequests(server)).toEqual(['GET /files/dbt_core-1.10.0-py3-none-any.whl.metadata']);
  });

  it('falls back to the wheel when the index has no metadata files', async () => {
    const server = await serve({ format, metadata: false });
    const releases = await openSimpleIndex(server.url).listReleases('dbt-core');
    expect(releases!.versions.get('1.9.0')![0]!.metadataUrl).toBeUndefined();
    const metadata = await openSimpleIndex(server.url).fetchMetadata('dbt-core', '1.9.0');
    expect(metadata.requiresPython).toBe('>=3.8');
    expect(fileRequests(server)).toEqual(['GET /files/dbt_core-1.9.0-py3-none-any.whl']);
  });
});

describe('openSimpleIndex', () => {
  it('asks for JSON first (PEP 691) and gets it from a negotiating server', async () => {
    let accept = '';
    const server = await serve({
      intercept: (request) => {
        accept = request.headers.accept ?? '';
        return false;
      },
    });
    const releases = await openSimpleIndex(server.url).listReleases('dbt-core');
    expect(accept).toBe(SIMPLE_ACCEPT);
    // Only the JSON form carries PEP 700 upload times: the server chose JSON.
    expect(releases!.versions.get('1.9.0')![0]!.uploadTime).toBeDefined();
  });

  it('answers null for an unknown project, without retrying the 404', async () => {
    const server = await serve();
    expect(await openSimpleIndex(server.url, { backoffMs: 0 }).listReleases('no-such-project')).toBe(null);
    expect(server.requests).toEqual(['GET /simple/no-such-project/']);
  });

  it('retries 503 with backoff and succeeds on the third attempt', async () => {
    let failures = 0;
    const server = await serve({
      intercept: (_request, response) => {
        if (failures >= 2) return false;
        failures += 1;
        response.writeHead(503).end('busy');
        return true;
      },
    });
    const releases = await openSimpleIndex(server.url, { backoffMs: 5 }).listReleases('dbt-core');
    expect(releases?.versions.size).toBe(5);
    expect(server.requests).toHaveLength(3);
  });

  it('waits the Retry-After a busy index asks for before trying again', async () => {
    const seen: number[] = [];
    const server = await serve({
      intercept: (_request, response) => {
        seen.push(performance.now());
        if (seen.length > 1) return false;
        response.writeHead(503, { 'retry-after': '1' }).end('busy');
        return true;
      },
    });
    const releases = await openSimpleIndex(server.url, { backoffMs: 5 }).listReleases('dbt-core');
    expect(releases?.versions.size).toBe(5);
    expect(seen[1]! - seen[0]!).toBeGreaterThanOrEqual(990);
  });

  it('reports an index that stays down as unavailable (503, exit 2), passing on its Retry-After', async () => {
    const server = await serve({
      intercept: (_request, response) => {
        response.writeHead(503, { 'retry-after': '0' }).end('down for maintenance');
        return true;
      },
    });
    const failure = openSimpleIndex(server.url, { retries: 1, backoffMs: 1 }).listReleases('dbt-core');
    await expect(failure).rejects.toThrow(UnavailableError);
    await expect(failure).rejects.toMatchObject({
      kind: 'unavailable',
      retryAfterSeconds: 0,
      message: `The index did not answer ${server.url}dbt-core/ after 2 attempts (HTTP 503)`,
    });
  });

  it('gives up on a server that never answers, as unavailable, naming the URL and keeping the cause', async () => {
    const server = await serve({ intercept: () => true });
    const started = performance.now();
    const failure = openSimpleIndex(server.url, { timeoutMs: 150, retries: 1, backoffMs: 10 }).listReleases(
      'dbt-core',
    );
    await expect(failure).rejects.toThrow(UnavailableError);
    await expect(failure).rejects.toHaveProperty('cause.message', 'no answer within 150 ms');
    await expect(failure).rejects.toThrow(
      `${server.url}dbt-core/ after 2 attempts (no answer within 150 ms)`,
    );
    expect(server.requests).toHaveLength(2);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('turns a malformed JSON page into an InputError naming the URL', async () => {
    const answer = (body: string) => (_request: unknown, response: ServerResponse) => {
      response.writeHead(200, { 'Content-Type': 'application/vnd.pypi.simple.v1+json' }).end(body);
      return true;
    };
    const broken = await serve({ intercept: answer('{"meta": {') });
    await expect(openSimpleIndex(broken.url).listReleases('dbt-core')).rejects.toThrow(
      new RegExp(`${broken.url}dbt-core/ with a malformed project page: not JSON`),
    );
    const wrongShape = await serve({
      intercept: answer('{"meta": {"api-version": "1.0"}, "name": "dbt-core"}'),
    });
    await expect(openSimpleIndex(wrongShape.url).listReleases('dbt-core')).rejects.toThrow(/files/);
    const future = await serve({
      intercept: answer('{"meta": {"api-version": "2.0"}, "name": "x", "files": []}'),
    });
    await expect(openSimpleIndex(future.url).listReleases('dbt-core')).rejects.toThrow(/api-version 2.0/);
    // Issue 13: depth is refused before zod recurses into the page.
    const deep = await serve({
      intercept: answer(
        `{"meta": {"api-version": "1.0"}, "name": "x", "files": [], "x": ${'['.repeat(5000)}${']'.repeat(5000)}}`,
      ),
    });
    await expect(openSimpleIndex(deep.url).listReleases('dbt-core')).rejects.toThrow(
      /page.x.*JSON depth limit/,
    );
  });

  it('refuses metadata whose bytes do not match the hash the index lists', async () => {
    const server = await serve({
      intercept: (request, response) => {
        if (!request.url?.endsWith('.metadata')) return false;
        response
          .writeHead(200)
          .end('Metadata-Version: 2.1\nName: dbt-core\nVersion: 1.10.0\nRequires-Dist: evil\n');
        return true;
      },
    });
    await expect(openSimpleIndex(server.url).fetchMetadata('dbt-core', '1.10.0')).rejects.toThrow(
      /does not match the sha256 hash/,
    );
  });

  it('says which releases it cannot read metadata for', async () => {
    const server = await serve();
    const index = openSimpleIndex(server.url);
    await expect(index.fetchMetadata('dbt-core', '1.11.0')).rejects.toThrow(NotFoundError);
    await expect(index.fetchMetadata('dbt-core', '3.0')).rejects.toThrow(/does not list dbt-core 3.0/);
  });

  it('serves a second metadata fetch from memory, and a new client from the disk cache', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'ratchet-cache-'));
    scratch.push(cacheDir);
    const server = await serve();
    const first = openSimpleIndex(server.url, { cacheDir });
    await first.fetchMetadata('dbt-core', '1.9.0');
    await first.fetchMetadata('dbt-core', '1.9.0');
    expect(server.requests).toHaveLength(2); // the project page and one metadata file
    const events: FetchProgress[] = [];
    const second = openSimpleIndex(server.url, { cacheDir, onProgress: (event) => events.push(event) });
    expect((await second.fetchMetadata('dbt-core', '1.9.0')).requiresDist).toEqual(['agate>=1.7']);
    expect(fileRequests(server)).toHaveLength(1);
    expect(events.map((event) => [event.kind, event.status])).toEqual([
      ['releases', 'start'],
      ['releases', 'done'],
      ['metadata', 'start'],
      ['metadata', 'cached'],
    ]);
    expect(events.at(-1)).toMatchObject({ done: 2, total: 2 });
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const server = await serve({
      intercept: (_request, response) => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        setTimeout(() => {
          inFlight -= 1;
          response.writeHead(404).end();
        }, 20);
        return true;
      },
    });
    const index = openSimpleIndex(server.url, { concurrency: 2 });
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    expect(await Promise.all(names.map((name) => index.listReleases(name)))).toEqual(names.map(() => null));
    expect(peak).toBe(2);
  });

  it('fails fast on bad options', () => {
    expect(() => openSimpleIndex('not a url')).toThrow(InputError);
    expect(() => openSimpleIndex('file:///srv/wheels')).toThrow(/not an http\(s\) URL/);
    expect(() => openSimpleIndex('http://localhost/simple/', { concurrency: 0 })).toThrow(/concurrency/);
  });
});

/**
 * Issue 18: a package index that is down is nobody's input mistake. The API answers 503 with the
 * index's Retry-After (it was a 400 before), the CLI exits 2 and says to try again later, and every
 * 401 names the scheme to use (WWW-Authenticate).
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from './test-server.js';
import type { TestServer } from './test-server.js';
import { runCli } from '../../test/support/cli.js';

describe('an unavailable package index and unauthenticated calls', () => {
  let server: TestServer;
  let index: Server;
  let indexUrl: string;
  let calls = 0;

  beforeAll(async () => {
    server = await startTestServer();
    index = createServer((_request, response) => {
      calls += 1;
      response.writeHead(503, { 'retry-after': '1', 'content-type': 'text/plain' }).end('maintenance');
    });
    await new Promise<void>((done) => index.listen(0, '127.0.0.1', done));
    indexUrl = `http://127.0.0.1:${String((index.address() as AddressInfo).port)}/simple/`;
    const pointed = await server.call('POST', '/api/v1/instances/acme%2Facme-prod/image/source', {
      token: server.seed.users.providerEngineer.token,
      body: { source: indexUrl },
    });
    expect(pointed.status, pointed.text).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await server.close();
    await new Promise((done) => index.close(done));
  });

  it(
    'answers a rollback request 503 with the index Retry-After, and writes nothing',
    { timeout: 60_000 },
    async () => {
      const before = calls;
      const answer = await server.call('POST', '/api/v1/instances/acme%2Facme-prod/image/rollback-requests', {
        token: server.seed.users.bea.token,
        body: { package: 'dbt-core', target: '==1.10.*', reason: 'Our models broke on 1.11' },
      });
      expect(answer.status, answer.text).toBe(503);
      expect(answer.headers.get('retry-after')).toBe('1');
      expect(answer.json).toMatchObject({ type: 'urn:ratchet:problem:unavailable', status: 503 });
      expect(String(answer.json.detail)).toContain(`The index did not answer ${indexUrl}`);
      expect(calls).toBeGreaterThan(before);
      const listed = await server.call('GET', '/api/v1/instances/acme%2Facme-prod/image/rollback-requests', {
        token: server.seed.users.bea.token,
      });
      expect(listed.json.requests).toEqual([]);
    },
  );

  it('makes the CLI exit 2 with the same sentence', { timeout: 60_000 }, async () => {
    const run = await runCli(server.url, server.seed.users.bea.token, [
      'rollback',
      'request',
      'acme/acme-prod',
      'dbt-core',
      '==1.10.*',
      '--reason',
      'Our models broke on 1.11',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`The index did not answer ${indexUrl}`);
    expect(run.stderr).toMatch(/Try again later/);
  });

  it('names the Bearer scheme on every 401', async () => {
    for (const token of [undefined, 'rtk_0000000000000000_not-a-token']) {
      const answer = await server.call('GET', '/api/v1/me', token === undefined ? {} : { token });
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="ratchet"');
    }
  });
});

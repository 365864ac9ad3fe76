import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { buildServer } from './server.js';
import { startTestServer } from './test-server.js';
import type { TestServer } from './test-server.js';

describe('operations: logs, unexpected failures, readiness', () => {
  let server: TestServer;
  const lines: string[] = [];

  beforeAll(async () => {
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    server = await startTestServer({ logger: createLogger({ level: 'debug', destination }) });
  });
  afterAll(async () => server.close());

  it('writes JSON log lines that never contain a bearer token, even a freshly issued one', async () => {
    const admin = server.seed.users.providerAdmin.token;
    const issued = await server.call('POST', '/api/v1/tokens', {
      token: admin,
      body: { userId: server.seed.users.ana.user.id },
    });
    expect(issued.status).toBe(201);
    await server.call('GET', '/api/v1/me', { token: String(issued.json.token) });
    await server.call('GET', '/api/v1/me', { token: 'rt_wrong_secret_value' });

    expect(lines.length).toBeGreaterThan(3);
    const parsed = lines.map((line) => JSON.parse(line) as { reqId?: string; req?: { url?: string } });
    expect(parsed.some((entry) => entry.req?.url === '/api/v1/me')).toBe(true);
    const all = lines.join('\n');
    expect(all).not.toContain(admin);
    expect(all).not.toContain(String(issued.json.token));
    expect(all).not.toContain('rt_wrong_secret_value');
  });

  it('answers an unexpected failure with a 500 problem that hides internals, and readiness turns 503', async () => {
    const admin = server.seed.users.providerAdmin.token;
    // Pull the database away under the running server: the next query fails inside the driver.
    await server.store.close();
    const response = await server.call('GET', '/api/v1/tenants', { token: admin });
    expect(response.status).toBe(500);
    expect(response.contentType).toMatch(/^application\/problem\+json/);
    expect(response.json).toMatchObject({ type: 'urn:ratchet:problem:internal', status: 500 });
    expect(response.text).not.toMatch(/destroy|kysely|sqlite|stack/i);
    expect(lines.some((line) => /"level":50/.test(line))).toBe(true);

    const ready = await server.call('GET', '/readyz');
    expect(ready.status).toBe(503);
    expect((await server.call('GET', '/healthz')).status).toBe(200);
  });
});

describe('buildServer options', () => {
  it('fails fast with a sentence saying what to pass', async () => {
    await expect(buildServer({} as never)).rejects.toThrow(/needs \{ store \}/);
    await expect(buildServer({ store: {} as never, bodyLimit: -1 })).rejects.toThrow(/bodyLimit/);
  });
});

/**
 * The CI smoke of the load benchmark (bench/load.ts): ~3 s of concurrent reads against a real
 * server. Asserts correctness under load (zero errors, zero non-2xx, no 5xx), not speed: figures
 * live in docs/benchmarks.md.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../../bench/load.js';
import { startTestServer } from '../../src/api/test-server.js';
import type { TestServer } from '../../src/api/test-server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe('load smoke', () => {
  it('serves ~3 s of concurrent authenticated reads with zero errors and no non-2xx answer', async () => {
    const figures = await runLoad('smoke', {
      url: `${server.url}/api/v1/tenants`,
      token: server.seed.users.providerAdmin.token,
      connections: 8,
      durationSec: 3,
    });
    expect(figures.total).toBeGreaterThan(100);
    expect(figures.errors).toBe(0);
    expect(figures.non2xx).toBe(0);
  }, 30_000);
});

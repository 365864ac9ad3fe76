/**
 * RATCHET_BODY_LIMIT, as the 413 problem's remedy promises: `ratchet serve` (and `demo`, through the
 * same runServer) reads it, refuses a bad value with exit 2, and a real server answers a larger
 * body with the payload-too-large problem.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  cleanEnvironment,
  createSite,
  killStartedServers,
  seedSite,
  startServer,
} from '../../test/support/processes.js';
import type { Site } from '../../test/support/processes.js';
import { runRatchet } from '../../test/support/cli.js';
import { parseBodyLimit } from './run-server.js';

describe('parseBodyLimit', () => {
  it('reads a positive whole number of bytes', () => {
    expect(parseBodyLimit('4194304')).toBe(4194304);
    expect(parseBodyLimit(' 64 ')).toBe(64);
  });

  it('keeps the default when unset or empty', () => {
    expect(parseBodyLimit(undefined)).toBeUndefined();
    expect(parseBodyLimit('')).toBeUndefined();
  });

  it.each(['0', '-1', '1.5', '1e6', '0x10', '1MB', 'lots', '99999999999999999999'])(
    'refuses %j with a usage error naming the variable',
    (value) => {
      expect(() => parseBodyLimit(value)).toThrow(
        expect.objectContaining({
          kind: 'input',
          message: expect.stringMatching(/^RATCHET_BODY_LIMIT must be a whole number of bytes above 0/),
        }),
      );
    },
  );
});

describe('ratchet serve with RATCHET_BODY_LIMIT', () => {
  const dirs: string[] = [];
  const sites: Site[] = [];

  function tempDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'ratchet-body-limit-'));
    dirs.push(dir);
    return dir;
  }

  afterAll(async () => {
    await killStartedServers();
    for (const site of sites) await site.destroy();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a bad value with exit 2 and a sentence, before touching the data directory', async () => {
    const dataDir = join(tempDir(), 'data');
    const run = await runRatchet(
      ['serve', '--port', '0', '--data-dir', dataDir],
      cleanEnvironment({ RATCHET_BODY_LIMIT: '1MB' }),
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/RATCHET_BODY_LIMIT must be a whole number of bytes above 0, got "1MB"/);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('answers a body above the limit with 413 and the problem naming the variable', async () => {
    const site = await createSite('sqlite');
    sites.push(site);
    const { admin } = await seedSite(site);
    const server = await startServer(site, { RATCHET_BODY_LIMIT: '256', RATCHET_DELIVERY: 'off' });
    const post = (name: string): Promise<Response> =>
      fetch(`${server.url}/api/v1/tenants`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${admin}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ slug: 'initech', name }),
      });

    const tooLarge = await post('x'.repeat(300));
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await tooLarge.json()).toMatchObject({
      status: 413,
      detail: 'The request body exceeds the server limit.',
      remedy: expect.stringContaining('RATCHET_BODY_LIMIT'),
    });
    // Below the limit the same request goes through: the limit, not the route, refused it.
    const fits = await post('Initech');
    expect(fits.status).toBe(201);
  });
});

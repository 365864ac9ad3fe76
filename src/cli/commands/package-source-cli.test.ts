/**
 * Issue 17 item 10: the demo's package source is shown one way everywhere. `image show` (CLI), the
 * API's `packageSource.display` and the exported `pylock.toml` name the same find-links folder,
 * never a `file:///tmp/…` URL in one place and an index URL in another.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../test/support/cli.js';
import { startTestServer } from '../../api/test-server.js';
import type { TestServer } from '../../api/test-server.js';
import { describePackageSource } from '../../domain/package-source/index.js';

describe('the package source, shown one way', () => {
  let server: TestServer;
  let folder: string;
  let display: string;

  beforeAll(async () => {
    server = await startTestServer();
    const overview = await server.call('GET', '/api/v1/instances/acme%2Facme-prod/image', {
      token: server.seed.users.bea.token,
    });
    expect(overview.status, overview.text).toBe(200);
    const source = String(overview.json.source);
    folder = fileURLToPath(source);
    display = (overview.json.packageSource as { display: string }).display;
  }, 60_000);
  afterAll(() => server.close());

  it('the API says it in words: the folder the demo plans against', () => {
    expect(display).toBe(`find-links folder ${folder}`);
    expect(display).toBe(describePackageSource(`file://${folder}`).display);
  });

  it('image show prints the same words', async () => {
    const run = await runCli(server.url, server.seed.users.bea.token, ['image', 'show', 'acme/acme-prod']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`\npackage source: ${display}\n`);
    expect(run.stdout).not.toContain('file://');
  });

  it('every demo revision records that source, and pylock.toml names no other index', async () => {
    const token = server.seed.users.bea.token;
    const revisions = await server.call('GET', '/api/v1/instances/acme%2Facme-prod/layers/image/revisions', {
      token,
    });
    const indexes = (revisions.json.revisions as { content: { index: string } }[]).map(
      (r) => r.content.index,
    );
    expect(indexes.map((index) => describePackageSource(index).display)).toEqual([display, display]);
    const pylock = await server.call('GET', '/api/v1/instances/acme%2Facme-prod/image/pylock.toml', {
      token,
    });
    expect(pylock.status).toBe(200);
    expect(pylock.text).not.toMatch(/^index = /m);
    expect(pylock.text).not.toContain('pypi.org');
  });
});

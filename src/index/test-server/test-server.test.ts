import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildWheel } from '../../../test/support/wheels/index.js';
import { startSimpleIndexServer } from './index.js';

const run = promisify(execFile);
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ratchet-test-server-'));
  buildWheel(dir, { name: 'Agate', version: '1.0' });
  buildWheel(dir, { name: 'agate', version: '2.0' });
  buildWheel(dir, { name: 'dbt-core', version: '1.10.0', requiresDist: ['agate'], requiresPython: '>=3' });
  writeFileSync(join(dir, 'yanked.json'), JSON.stringify({ 'agate-2.0-py3-none-any.whl': 'broken' }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('startSimpleIndexServer', () => {
  // The oracle: pip 23.2.1 speaks PEP 503, 691 and 658 and honours PEP 592 yanks. Run without
  // blocking: the server lives in this process.
  it.concurrent.each(['json', 'html'] as const)(
    'is an index pip installs from (%s pages)',
    async (format) => {
      const server = await startSimpleIndexServer({ dir, format });
      try {
        const { stdout } = await run(
          'python3',
          [
            '-m',
            'pip',
            'install',
            '--isolated',
            '--disable-pip-version-check',
            '--no-cache-dir',
            '--index-url',
            server.url,
            '--dry-run',
            '--ignore-installed',
            '--quiet',
            '--report',
            '-',
            'dbt-core',
          ],
          { encoding: 'utf8' },
        );
        const report = JSON.parse(stdout) as { install: { metadata: { name: string; version: string } }[] };
        const installed = report.install
          .map((item) => `${item.metadata.name}==${item.metadata.version}`)
          .sort();
        // agate 2.0 is yanked, so pip takes 1.0.
        expect(installed).toEqual(['Agate==1.0', 'dbt-core==1.10.0']);
        // pip resolved from the PEP 658 metadata files.
        expect(server.requests).toContain('GET /files/dbt_core-1.10.0-py3-none-any.whl.metadata');
      } finally {
        await server.close();
      }
    },
  );

  it('redirects other spellings of a name to the normalized one and lists the projects', async () => {
    const server = await startSimpleIndexServer({ dir });
    try {
      const redirected = await fetch(`${server.url}DBT_Core`, { redirect: 'manual' });
      expect(redirected.status).toBe(301);
      expect(redirected.headers.get('location')).toBe('/simple/dbt-core/');
      const root = await fetch(server.url, { headers: { Accept: 'application/vnd.pypi.simple.v1+json' } });
      expect(root.headers.get('content-type')).toBe('application/vnd.pypi.simple.v1+json');
      expect(await root.json()).toMatchObject({ projects: [{ name: 'agate' }, { name: 'dbt-core' }] });
      // No Accept header: HTML, for clients from before PEP 691.
      const html = await fetch(`${server.url}agate/`, { headers: { Accept: '' } });
      expect(html.headers.get('content-type')).toBe('text/html');
      expect(await html.text()).toContain('data-yanked="broken"');
      expect((await fetch(`${server.url}unknown/`)).status).toBe(404);
      expect((await fetch(server.url.replace('/simple/', '/files/nope-1.0-py3-none-any.whl'))).status).toBe(
        404,
      );
    } finally {
      await server.close();
    }
  });
});

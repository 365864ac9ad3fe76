/**
 * `ratchet image import` as a provider runs it (issue 17, onboarding): real `bin/ratchet` processes
 * against a demo-seeded server. Globex's production instance has no image yet: its history is
 * imported oldest first from the lock files the customer kept, and the refusals exit as the
 * contract says (1 a refusal or an inconsistent image, 2 bad input).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentOf, refusalOf, runCli } from '../../../test/support/cli.js';
import type { CliRun } from '../../../test/support/cli.js';
import { startTestServer } from '../../api/test-server.js';
import type { TestServer } from '../../api/test-server.js';
import type { ImageContent, Revision } from '../../domain/revisions/index.js';
import { writeDemoWheels } from '../../workflows/image/demo.js';

const DBT_110 = [
  'dbt-core==1.10.15',
  'dbt-snowflake==1.10.3',
  'dbt-adapters==1.17.3',
  'dbt-common==1.33.0',
  'snowflake-connector-python==3.17.2',
].join('\n');

interface Imported {
  revision: Revision;
  format: string;
  reattributedRuns: number;
}

describe('ratchet image import', () => {
  let server: TestServer;
  let dir: string;
  let folder: string;
  let pete: (...args: string[]) => Promise<CliRun>;
  let gus: (...args: string[]) => Promise<CliRun>;

  beforeAll(async () => {
    server = await startTestServer();
    dir = mkdtempSync(join(tmpdir(), 'ratchet-import-cli-'));
    folder = fileURLToPath(writeDemoWheels());
    const { users } = server.seed;
    pete = (...args) => runCli(server.url, users.providerEngineer.token, args);
    gus = (...args) => runCli(server.url, users.globexAdmin.token, args);
  }, 60_000);
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function lockFile(name: string, text: string): string {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  }

  const target = (lock: string, ...more: string[]): string[] => [
    'image',
    'import',
    'globex/globex-prod',
    '--lock',
    lock,
    '--python',
    '3.12',
    '--find-links',
    folder,
    ...more,
    '--json',
  ];

  it('refuses bad input (exit 2), a customer admin and an inconsistent image (exit 1)', async () => {
    const freeze = lockFile('freeze.txt', DBT_110);
    const [noSource, badTime, customer, inconsistent] = await Promise.all([
      pete('image', 'import', 'globex/globex-prod', '--lock', freeze, '--python', '3.12', '--json'),
      pete(...target(freeze, '--deployed-at', 'last spring')),
      gus(...target(freeze)),
      pete(...target(lockFile('bad.txt', DBT_110.replace('dbt-adapters==1.17.3', 'dbt-adapters==0.0.1')))),
    ]);
    expect(refusalOf(noSource, 2).remedy).toMatch(/--index-url URL or --find-links DIR/);
    expect(refusalOf(badTime, 2).message).toMatch(/--deployed-at/);
    expect(refusalOf(customer, 1).kind).toBe('not-allowed');
    const findings = refusalOf(inconsistent, 1);
    expect(findings.kind).toBe('conflict');
    expect(findings.message).toMatch(/not a consistent image for Python 3\.12/);
    expect(findings.message).toMatch(/dbt-adapters 0\.0\.1/);
    expect(findings.remedy).toMatch(/ratchet image check/);
  });

  it('imports the history oldest first, then the image running today, and refuses going back in time', async () => {
    const first = documentOf<Imported>(
      await pete(...target(lockFile('requirements.txt', DBT_110), '--deployed-at', '2025-06-01T00:00:00Z')),
      0,
    );
    expect(first.revision).toMatchObject({
      number: 1,
      status: 'deployed',
      statusChangedAt: '2025-06-01T00:00:00.000Z',
    });
    expect(first.format).toBe('requirements.txt');

    // The next lock the customer kept: a PEP 751 file with hashes, as `image export` writes it.
    const pylock = await server.call(
      'GET',
      `/api/v1/instances/${server.seed.instances.globexProd.id}/image/pylock.toml`,
      {
        token: server.seed.users.providerEngineer.token,
      },
    );
    expect(pylock.status).toBe(200);
    const second = documentOf<Imported>(await pete(...target(lockFile('pylock.toml', pylock.text))), 0);
    expect(second.revision.number).toBe(2);
    expect(second.format).toBe('pylock.toml');
    const content = second.revision.content as ImageContent;
    expect(content.packages.every((pin) => (pin.files ?? []).length > 0)).toBe(true);

    const earlier = await pete(
      ...target(lockFile('old.txt', DBT_110), '--deployed-at', '2025-01-01T00:00:00Z'),
    );
    expect(refusalOf(earlier, 1).remedy).toMatch(/oldest first/);

    const human = await pete('image', 'show', 'globex/globex-prod');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/dbt-core/);
  });
});

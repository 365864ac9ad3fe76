/**
 * `ratchet rollback list` and `ratchet upgrade list` (issue 17: there was no way to find a request's
 * id from the CLI but the answer of the command that made it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../api/test-server.js';
import type { TestServer } from '../../api/test-server.js';
import type { ImageChangeRecord } from '../../workflows/index.js';
import { documentOf, runCli } from '../../../test/support/cli.js';

describe('ratchet rollback list / upgrade list', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  }, 60_000);
  afterAll(() => server.close());

  const bea = (...args: string[]) => runCli(server.url, server.seed.users.bea.token, args);

  it("lists an instance's rollback requests with what each asks for, and says so when there are none", async () => {
    expect((await bea('rollback', 'list', 'acme/acme-prod')).stdout.trim()).toBe(
      'No rollback requests for acme/acme-prod.',
    );
    const made = documentOf<ImageChangeRecord>(
      await bea(
        'rollback',
        'request',
        'acme/acme-prod',
        'dbt-core',
        '==1.10.*',
        '--reason',
        'Broke on 1.11',
        '--json',
      ),
      0,
    );
    const listed = documentOf<ImageChangeRecord[]>(
      await bea('rollback', 'list', 'acme/acme-prod', '--json'),
      0,
    );
    expect(listed.map((c) => [c.id, c.state, c.requests])).toEqual([[made.id, 'requested', made.requests]]);
    const table = (await bea('rollback', 'list', 'acme/acme-prod')).stdout;
    expect(table).toMatch(new RegExp(`${made.id} +requested +dbt-core==1\\.10\\.\\*`));
    expect(
      documentOf<ImageChangeRecord[]>(await bea('upgrade', 'list', 'acme/acme-prod', '--json'), 0),
    ).toEqual([]);
  });

  it("refuses another tenant's instance as not found", async () => {
    const other = await runCli(server.url, server.seed.users.globexAdmin.token, [
      'rollback',
      'list',
      'acme/acme-prod',
    ]);
    expect(other.code).toBe(2);
  });
});

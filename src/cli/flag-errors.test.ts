/**
 * Issue 17 item 7: a refused request body is reported in the command's own words. Real `ratchet`
 * processes against a demo-seeded server: each error names the flags and arguments the user typed
 * ("--observed must be at least 10 characters"), never the API's body fields ("body observed: Too
 * small…"), changes nothing, and exits 2.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusalOf, runCli } from '../../test/support/cli.js';
import type { CliRun } from '../../test/support/cli.js';
import { startTestServer } from '../api/test-server.js';
import type { TestServer } from '../api/test-server.js';
import { phraseOf } from './flag-errors.js';

describe('zod issue messages as the end of a sentence about a flag', () => {
  it.each([
    ['Too small: expected string to have >=10 characters', 'must be at least 10 characters'],
    ['Too small: expected string to have >=1 characters', 'must not be empty'],
    ['Too big: expected string to have <=200 characters', 'must be at most 200 characters'],
    ['Too small: expected number to be >=1', 'must be at least 1'],
    ['Too big: expected number to be <=4', 'must be at most 4'],
    ['Invalid input: expected string, received undefined', 'is required'],
    ['Invalid option: expected one of "low"|"medium"|"high"', 'must be one of low, medium, high'],
    ['Too small: expected array to have >=1 items', 'must be given at least 1 time'],
    ['Something zod never said', 'is not accepted (Something zod never said)'],
  ])('%s', (message, phrase) => {
    expect(phraseOf(message)).toBe(phrase);
  });
});

describe('CLI errors name CLI flags', () => {
  let server: TestServer;
  let as: Record<'bea' | 'pete' | 'petra', (...args: string[]) => Promise<CliRun>>;

  beforeAll(async () => {
    server = await startTestServer();
    const { users } = server.seed;
    as = {
      bea: (...args) => runCli(server.url, users.bea.token, args),
      pete: (...args) => runCli(server.url, users.providerEngineer.token, args),
      petra: (...args) => runCli(server.url, users.providerAdmin.token, args),
    };
  }, 60_000);
  afterAll(() => server.close());

  it('defect report: --observed under its 10-character minimum (the README example that failed)', async () => {
    const before = await server.call('GET', '/api/v1/defects', { token: server.seed.users.bea.token });
    const run = await as.bea(
      'defect',
      'report',
      'acme-prod',
      '--title',
      'Sensors time out',
      '--observed',
      '...',
      '--since',
      '2025-06-01',
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('error: --observed must be at least 10 characters.\n');
    expect(run.stderr).toContain(
      'what to do: Correct --observed; `ratchet defect report --help` describes every option.',
    );
    expect(run.stderr).not.toMatch(/body|Too small/);
    const after = await server.call('GET', '/api/v1/defects', { token: server.seed.users.bea.token });
    expect(after.json).toEqual(before.json);
  });

  it('defect report: two flags wrong at once are both named, in the JSON document too', async () => {
    const run = await as.bea(
      'defect',
      'report',
      'acme-prod',
      '--title',
      'ab',
      '--observed',
      'short',
      '--since',
      '2025-06-01',
      '--json',
    );
    expect(refusalOf(run, 2)).toMatchObject({
      kind: 'input',
      message: '--title must be at least 3 characters; --observed must be at least 10 characters.',
    });
  });

  it('infra plan: an option outside its choices and texts too short', async () => {
    const run = await as.pete(
      'infra',
      'plan',
      'acme/acme-prod',
      '--title',
      'x',
      '--why',
      'because it is due',
      '--set',
      'kubernetes=1.32',
      '--risk',
      'extreme',
      '--start',
      '2027-01-01T06:00:00Z',
      '--end',
      '2027-01-01T08:00:00Z',
      '--json',
    );
    expect(refusalOf(run, 2).message).toBe(
      '--title must be at least 3 characters; --risk must be one of low, medium, high.',
    );
  });

  it('tenants create and rollback request: an empty option', async () => {
    const [tenant, rollback] = await Promise.all([
      as.petra('tenants', 'create', 'initech', '--name', '', '--json'),
      as.bea('rollback', 'request', 'acme/acme-prod', 'dbt-core', '==1.10.*', '--reason', '', '--json'),
    ]);
    expect(refusalOf(tenant, 2).message).toBe('--name must not be empty.');
    expect(refusalOf(rollback, 2).message).toBe('--reason must not be empty.');
  });

  it('a role refusal names the operation as called and the role it needs, not a route template', async () => {
    const run = await as.petra(
      'rollback',
      'request',
      'acme/acme-prod',
      'dbt-core',
      '==1.10.*',
      '--reason',
      'try',
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'error: Only a customer-admin may do this ("Request a rollback", POST /api/v1/instances/acme%2Facme-prod/image/rollback-requests); you are signed in as provider-admin.\n',
    );
    expect(run.stderr).toContain('what to do: Ask a customer-admin to do it, or use a token of that role.');
    expect(run.stderr).not.toContain(':instanceId');
  });

  it('upgrade request: an empty value of a variadic argument is named by its position', async () => {
    const run = await as.bea(
      'upgrade',
      'request',
      'acme/acme-prod',
      'dbt-core>=1.11',
      '',
      '--reason',
      'x',
      '--json',
    );
    expect(refusalOf(run, 2).message).toBe('<requirements> (value 2) must not be empty.');
  });
});

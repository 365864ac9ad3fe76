/**
 * Issue 17 item 8: `ratchet impact` after the demo's rollback (acme-prod back on dbt-core 1.10.15,
 * revision 3). Each defect the issue names is reproduced as a user meets it, with a real
 * `bin/ratchet` against a demo-seeded server: "The change 4 unknown.", a move that changes nothing
 * labelled "(change)", a pipeline left out, and the current 1.10.15 called "1.10.*".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentOf, runCli } from '../../../test/support/cli.js';
import type { CliRun } from '../../../test/support/cli.js';
import { startTestServer } from '../../api/test-server.js';
import type { TestServer } from '../../api/test-server.js';

const PIPELINES = ['finance_daily', 'forecast_weekly', 'marketing_attribution', 'ops_health', 'sales_rollup'];

describe('ratchet impact after a rollback', () => {
  let server: TestServer;
  let bea: (...args: string[]) => Promise<CliRun>;

  async function call(token: string, path: string, body: unknown): Promise<Record<string, unknown>> {
    const answer = await server.call('POST', path, { token, body });
    expect(answer.status, answer.text).toBeLessThan(300);
    return answer.json;
  }

  beforeAll(async () => {
    server = await startTestServer();
    const { users } = server.seed;
    bea = (...args) => runCli(server.url, users.bea.token, args);
    // The policy's scenario, through the API: Bea's rollback of dbt-core to 1.10.*, deployed.
    const request = await call(
      users.bea.token,
      '/api/v1/instances/acme%2Facme-prod/image/rollback-requests',
      {
        package: 'dbt-core',
        target: '==1.10.*',
        reason: 'Sensors fail on 1.11',
      },
    );
    const id = String(request.id);
    const engineer = users.providerEngineer.token;
    await call(engineer, `/api/v1/rollback-requests/${id}/approve`, { reason: 'Reviewed' });
    await call(users.bea.token, `/api/v1/rollback-requests/${id}/accept`, { reportHash: request.reportHash });
    await call(engineer, '/api/v1/instances/acme%2Facme-test/image/deployment/confirm', {});
    await call(engineer, '/api/v1/instances/acme%2Facme-prod/image/deployment/confirm', {});
  }, 120_000);
  afterAll(() => server.close());

  it('a target the current pin already satisfies is no change: it says so, with no verdicts', async () => {
    const run = await bea('impact', 'acme-prod', '--set', 'dbt-core==1.10.*');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      'dbt-core 1.10.15 already satisfies ==1.10.*: nothing moves, so no pipeline is fixed or broken.',
    );
    expect(run.stdout).not.toMatch(/\(change\)|The change \d|unknown|1\.10\.\*\./);
    const json = documentOf<{ packages: { name: string; moves: boolean }[]; report: unknown }>(
      await bea('impact', 'acme-prod', '--set', 'dbt-core==1.10.*', '--json'),
      0,
    );
    expect(json.packages).toEqual([{ name: 'dbt-core', from: '1.10.15', to: '==1.10.*', moves: false }]);
    expect(json.report).toBeNull();
  });

  it('going forward again lists every pipeline that ran, and names versions as they were pinned', async () => {
    const run = await bea('impact', 'acme-prod', '--set', 'dbt-core==1.11.*');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^dbt-core 1\.10\.15 -> ==1\.11\.\* \(upgrade\)$/m);
    for (const pipeline of PIPELINES) expect(run.stdout).toMatch(new RegExp(`^${pipeline} `, 'm'));
    // The current versions are 1.10.15 (revisions 1 and 3): the runs on revision 1 are theirs.
    expect(run.stdout).toMatch(/^finance_daily .* breaks .*Succeeds on revision 1 \(dbt-core 1\.10\.15\)/m);
    // forecast_weekly started after the upgrade: it ran on revision 2 only, named as pinned.
    expect(run.stdout).toMatch(
      /^forecast_weekly .* unknown .*it only ran on revision 2 \(dbt-core 1\.11\.0\)\./m,
    );
    // The current versions are never called by a range: 1.10.15 is not "1.10.*".
    expect(run.stdout).not.toMatch(/1\.10\.\*/);
  });

  it('a pipeline that ran on neither side is listed as unknown, naming the revision it ran on', async () => {
    // 1.9.* was never pinned: every pipeline ran on the current side or on revision 2 (1.11.0).
    const run = await bea('impact', 'acme-prod', '--set', 'dbt-core==1.9.*', '--json');
    const answer = documentOf<{
      report: { pipelines: { pipeline: string; verdict: string; reason: string }[] };
    }>(run, 0);
    expect(answer.report.pipelines.map((p) => p.pipeline)).toEqual(PIPELINES);
    const forecast = answer.report.pipelines.find((p) => p.pipeline === 'forecast_weekly')!;
    expect(forecast.verdict).toBe('unknown');
    expect(forecast.reason).toContain('revision 2 (dbt-core 1.11.0)');
  });

  it('every summary is a sentence: a subject, a verb or a colon, counts with their noun', async () => {
    const runs = await Promise.all(
      ['dbt-core==1.9.*', 'dbt-core==1.11.*'].map((change) => bea('impact', 'acme-prod', '--set', change)),
    );
    for (const run of runs) {
      const summary = run.stdout.split('\n')[1]!;
      expect(summary).toMatch(/^(Rollback|Upgrade|The change)(:| fixes| breaks) /);
      expect(summary).not.toMatch(/^(Rollback|Upgrade|The change) \d/);
    }
  });
});

/**
 * `ratchet history` (issue 17, item 3): a change's activity names people and says readable times;
 * an instance's revision history says who recorded each revision by name, not only a role.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../api/test-server.js';
import type { TestServer } from '../../api/test-server.js';
import type { ChangeActivity } from '../../workflows/index.js';
import { documentOf, runCli } from '../../../test/support/cli.js';

const READABLE = /\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} UTC/;

describe('ratchet history', () => {
  let server: TestServer;
  let rollbackId: string;
  beforeAll(async () => {
    server = await startTestServer();
    const { bea, providerEngineer: pete } = server.seed.users;
    const requested = await server.call(
      'POST',
      '/api/v1/instances/acme%2Facme-prod/image/rollback-requests',
      {
        token: bea.token,
        body: { package: 'dbt-core', target: '==1.10.*', reason: 'Snapshots broke on 1.11' },
      },
    );
    expect(requested.status, requested.text).toBe(201);
    rollbackId = String(requested.json.id);
    const approved = await server.call('POST', `/api/v1/rollback-requests/${rollbackId}/approve`, {
      token: pete.token,
      body: { reason: 'Checked the three affected pipelines' },
    });
    expect(approved.status, approved.text).toBe(200);
  }, 60_000);
  afterAll(() => server.close());

  const ana = (...args: string[]) => runCli(server.url, server.seed.users.ana.token, args);

  it("prints a rollback's activity: who by name, a readable time, what, the note and the audit entry", async () => {
    const { bea, providerEngineer: pete } = server.seed.users;
    const run = await ana('history', 'rollback', rollbackId);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe(`Rollback on acme-prod: dbt-core==1.10.* (${rollbackId})`);
    expect(lines[1]).toMatch(/^WHEN +WHO +WHAT +REPORT +AUDIT +NOTE$/);
    expect(lines[2]).toContain(`${bea.user.name} (customer-admin)`);
    expect(lines[2]).toMatch(READABLE);
    expect(lines[2]).toMatch(/requested the rollback .* #\d+ +Snapshots broke on 1\.11$/);
    expect(lines[3]).toContain(`${pete.user.name} (provider-engineer)`);
    expect(lines[3]).toMatch(/approved the rollback .*Checked the three affected pipelines$/);
    expect(run.stdout).not.toMatch(/usr_|\d{4}-\d{2}-\d{2}T/);

    const json = documentOf<ChangeActivity>(await ana('history', 'rollback', rollbackId, '--json'), 0);
    expect(json.entries.map((e) => e.actor.name)).toEqual([bea.user.name, pete.user.name]);
  });

  it('says who recorded each revision by name, with a readable time', async () => {
    const run = await ana('history', 'acme/acme-prod', '--layer', 'platform');
    expect(run.code, run.stderr).toBe(0);
    const rows = run.stdout.trim().split('\n').slice(1);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row).toMatch(READABLE);
      expect(row).toMatch(/\((provider|customer)-[a-z]+\)/);
      expect(row).not.toMatch(/usr_/);
    }
  });

  it('refuses an unknown kind with exit 2 and names the kinds', async () => {
    const run = await ana('history', 'deployment', rollbackId);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/"deployment" is not a kind of change/);
    expect(run.stderr).toMatch(/rollback, upgrade, defect, infrastructure, platform-release/);
  });

  it("answers another tenant's change as not found", async () => {
    const run = await runCli(server.url, server.seed.users.globexAdmin.token, [
      'history',
      'rollback',
      rollbackId,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/not found/);
  });

  it('instances list names the tenant and the test instance instead of their ids', async () => {
    const run = await ana('instances', 'list');
    expect(run.code, run.stderr).toBe(0);
    const prod = run.stdout.split('\n').find((line) => line.startsWith('acme-prod'))!;
    expect(prod).toMatch(/^acme-prod +production +acme +acme-test +ins_/);
    expect(run.stdout).not.toMatch(/ten_/);
  });

  it('defect list and infra list have tenant and instance columns, and the assignee by name', async () => {
    const { providerEngineer: pete, providerAdmin } = server.seed.users;
    const reported = await server.call('POST', '/api/v1/defects', {
      token: server.seed.users.ana.token,
      body: {
        instance: 'acme/acme-prod',
        title: 'Scheduler skips runs',
        observed: 'Hourly DAGs skip every other run.',
        since: '2025-06-01',
      },
    });
    const triaged = await server.call('POST', `/api/v1/defects/${String(reported.json.id)}/triage`, {
      token: pete.token,
      body: { severity: 2, assignee: pete.user.id },
    });
    expect(triaged.status, triaged.text).toBe(200);
    const defects = await runCli(server.url, pete.token, ['defect', 'list']);
    expect(defects.stdout).toMatch(/^ID +TENANT +INSTANCE +STATE +SEV +SLA +ASSIGNEE +TITLE$/m);
    expect(defects.stdout).toMatch(
      new RegExp(
        `def_\\S+ +acme +acme-prod +triaged +2 +ok +${pete.user.name.replace(/[()]/g, '\\$&')} +Scheduler skips runs`,
      ),
    );
    expect(defects.stdout).not.toMatch(/usr_/);

    const start = Date.now() + 86_400_000;
    const planned = await server.call('POST', '/api/v1/infrastructure/changes', {
      token: providerAdmin.token,
      body: {
        title: 'Kubernetes 1.31',
        why: 'End of support for 1.30',
        changes: { kubernetes: '1.31' },
        risk: 'low',
        windowStart: new Date(start).toISOString(),
        windowEnd: new Date(start + 3_600_000).toISOString(),
        instances: ['acme/acme-test', 'acme/acme-prod'],
      },
    });
    expect(planned.status, planned.text).toBe(201);
    const infra = await ana('infra', 'list');
    expect(infra.stdout).toMatch(/^ID +TENANT +INSTANCES +STATE +WINDOW +PROVIDER +CUSTOMER +TITLE$/m);
    expect(infra.stdout).toMatch(
      new RegExp(
        `${String(planned.json.id)} +acme +acme-test, acme-prod +planned +${READABLE.source} – ${READABLE.source} +- +- +Kubernetes 1\\.31`,
      ),
    );
  });

  it('ratchet status says per layer what runs and what is in flight', async () => {
    const run = await ana('status', 'acme/acme-prod');
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^acme\/acme-prod \(production\): \d+ in flight$/);
    expect(run.stdout).toMatch(/^ {2}platform: 3\.4\.0 \(Airflow 3\.0\.6\) \(revision \d+, since /m);
    expect(run.stdout).toMatch(
      /^ {4}- Kubernetes 1\.30 -> 1\.31 \[planned\]: provider signed off by .*; customer sign-off waiting; window /m,
    );
    expect(run.stdout).toMatch(
      /^ {4}- S2 Sensors time out since platform 3\.4\.0 \[triaged\]: resolution due /m,
    );
    expect(run.stdout).toMatch(
      /^ {4}- Rollback: dbt-core==1\.10\.\* \[approved\]: next: accept responsibility \(customer-admin\)$/m,
    );
  });
});

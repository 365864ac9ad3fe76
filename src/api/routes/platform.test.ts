/**
 * Issue 6 over real HTTP: a customer reports, the provider triages and ships hotfix 3.4.1 test first,
 * the reporter is notified and confirms; refusals come back as problem+json and change nothing.
 */
import { auditCounts } from '../../../test/support/audit.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../test-server.js';
import type { CallResult, TestServer } from '../test-server.js';

describe('platform, defects and infrastructure over HTTP', () => {
  let server: TestServer;
  let engineer: string;
  let admin: string;
  let bea: string;
  let ana: string;

  beforeAll(async () => {
    server = await startTestServer();
    engineer = server.seed.users.providerEngineer.token;
    admin = server.seed.users.providerAdmin.token;
    bea = server.seed.users.bea.token;
    ana = server.seed.users.ana.token;
  }, 60_000);
  afterAll(() => server.close());

  async function state(): Promise<number[]> {
    const n = async (table: 'outbox' | 'defects' | 'revisions' | 'platform_releases') =>
      Number(
        (
          await server.store.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    // Refusals leave one `request.refused` entry each; `refused` below checks that separately.
    return [
      (await auditCounts(server.store)).changes,
      await n('outbox'),
      await n('defects'),
      await n('revisions'),
      await n('platform_releases'),
    ];
  }

  async function refused(
    status: number,
    call: () => Promise<CallResult>,
    detail: RegExp,
  ): Promise<Record<string, unknown>> {
    const before = await state();
    const refusalsBefore = (await auditCounts(server.store)).refusals;
    const response = await call();
    expect(response.status, response.text).toBe(status);
    const refusal = status === 403 || status === 409 ? 1 : 0;
    expect((await auditCounts(server.store)).refusals).toBe(refusalsBefore + refusal);
    expect(response.contentType).toMatch(/application\/problem\+json/);
    expect(String(response.json.detail)).toMatch(detail);
    expect(typeof response.json.remedy === 'string' || status === 400).toBe(true);
    expect(await state()).toEqual(before);
    return response.json;
  }

  it('reports, triages severity 2, ships hotfix 3.4.1 test first, notifies the reporter, who confirms', async () => {
    const reported = await server.call('POST', '/api/v1/defects', {
      token: bea,
      body: {
        instance: 'acme-prod',
        title: 'Scheduler skips DAG runs',
        observed: 'Since 3.4.0 the scheduler skips every other hourly run of the ingest DAG.',
        since: '2025-06-02',
        suggestedSeverity: 2,
      },
    });
    expect(reported.status, reported.text).toBe(201);
    const id = String(reported.json.id);
    expect(reported.json).toMatchObject({ state: 'reported', breached: false });
    // The next steps come with the defect, so a client offers them without knowing the process.
    expect(reported.json.nextSteps).toEqual([
      { step: 'triage', roles: ['provider-admin', 'provider-engineer', 'provider-support'] },
      { step: 'close', roles: ['provider-admin', 'provider-engineer', 'provider-support'] },
    ]);

    await refused(
      403,
      () => server.call('POST', `/api/v1/defects/${id}/triage`, { token: ana, body: { severity: 1 } }),
      /may do this \("Triage: severity 1-4, assignee, the release it regressed in", POST \/api\/v1\/defects\/\w+\/triage\); you are signed in as customer-member\./,
    );
    await refused(
      400,
      () => server.call('POST', `/api/v1/defects/${id}/triage`, { token: engineer, body: { severity: 7 } }),
      /severity/,
    );
    const triaged = await server.call('POST', `/api/v1/defects/${id}/triage`, {
      token: engineer,
      body: { severity: 2, regressedIn: '3.4.0' },
    });
    expect(triaged.json).toMatchObject({ state: 'triaged', severity: 2, severityName: 'High' });

    // The seeded defect (also acme-prod, severity 2) is fixed by the same hotfix.
    const hotfix = await server.call('POST', '/api/v1/platform/releases', {
      token: engineer,
      body: { version: '3.4.1', components: { airflow: '3.0.6-ratchet.1', python: '3.12' }, fixes: [id] },
    });
    expect(hotfix.status, hotfix.text).toBe(201);

    await refused(
      409,
      () =>
        server.call('POST', '/api/v1/platform/releases/3.4.1/rollouts', {
          token: engineer,
          body: { instance: 'acme/acme-prod' },
        }),
      /test instance acme-test has not run it yet/,
    );
    const onTest = await server.call('POST', '/api/v1/platform/releases/3.4.1/rollouts', {
      token: engineer,
      body: { instance: 'acme/acme-test' },
    });
    expect(onTest.status, onTest.text).toBe(201);
    expect((await server.call('GET', `/api/v1/defects/${id}`, { token: bea })).json.state).toBe(
      'fix-in-test',
    );
    const onProd = await server.call('POST', '/api/v1/platform/releases/3.4.1/rollouts', {
      token: engineer,
      body: { instance: 'acme/acme-prod' },
    });
    expect(onProd.status, onProd.text).toBe(201);
    const deployed = (await server.call('GET', `/api/v1/defects/${id}`, { token: bea })).json;
    expect(deployed.state).toBe('deployed');
    expect(deployed.nextSteps).toEqual([
      { step: 'resolve', roles: ['customer-admin', 'customer-member'] },
      { step: 'reopen', roles: ['customer-admin', 'customer-member'] },
    ]);

    const notified = await server.store.db
      .selectFrom('outbox')
      .selectAll()
      .where('topic', '=', 'hotfix.deployed')
      .where('receiver_id', '=', `user:${server.seed.users.bea.user.id}`)
      .execute();
    expect(notified.map((row) => JSON.parse(row.payload).data.defectId)).toContain(id);

    const revisions = await server.call(
      'GET',
      '/api/v1/instances/acme%2Facme-prod/layers/platform/revisions',
      { token: bea },
    );
    expect((revisions.json.revisions as { content: { version: string } }[]).at(-1)!.content.version).toBe(
      '3.4.1',
    );

    const resolved = await server.call('POST', `/api/v1/defects/${id}/resolve`, {
      token: bea,
      body: { note: 'runs again' },
    });
    expect(resolved.json).toMatchObject({ state: 'resolved' });
  });

  it('refuses a downgrade with the forward-fix explanation and the defect link', async () => {
    const problem = await refused(
      409,
      () =>
        server.call('POST', '/api/v1/platform/releases/3.4.0/rollouts', {
          token: engineer,
          body: { instance: 'acme/acme-prod' },
        }),
      /platform versions only increase/,
    );
    expect(problem).toMatchObject({ policy: 'platform-forward-fix', reportDefect: '/api/v1/defects' });
    expect(String(problem.remedy)).toMatch(/POST \/api\/v1\/defects/);
  });

  it('applies an infrastructure change only with both sign-offs and the acknowledgement, then never undoes it', async () => {
    const list = await server.call('GET', '/api/v1/infrastructure/changes?state=planned', { token: bea });
    const change = (list.json.changes as { id: string; testedBy: { customer: boolean } }[])[0]!;
    expect(change.testedBy.customer).toBe(false);
    const base = `/api/v1/infrastructure/changes/${change.id}`;
    await refused(
      409,
      () => server.call('POST', `${base}/apply`, { token: admin, body: { acknowledgeIrreversible: true } }),
      /still needs a customer sign-off/,
    );
    const signed = await server.call('POST', `${base}/signoffs`, {
      token: ana,
      body: { note: 'dbt build green' },
    });
    expect(signed.status, signed.text).toBe(201);
    await refused(
      400,
      () => server.call('POST', `${base}/apply`, { token: admin, body: {} }),
      /acknowledgeIrreversible/,
    );
    await refused(
      403,
      () => server.call('POST', `${base}/apply`, { token: bea, body: { acknowledgeIrreversible: true } }),
      /may do this \("Apply a change both parties signed off", POST .+\/apply\); you are signed in as customer-admin\./,
    );
    // The demo plans the change a week ahead: before its window, only a provider-admin's override
    // with a reason applies it, and the override is audited with that reason.
    const early = await refused(
      409,
      () => server.call('POST', `${base}/apply`, { token: admin, body: { acknowledgeIrreversible: true } }),
      /which has not opened yet/,
    );
    expect(early).toMatchObject({ policy: 'infrastructure-window' });
    expect(String(early.remedy)).toMatch(/--override/);
    await refused(
      403,
      () =>
        server.call('POST', `${base}/apply`, {
          token: server.seed.users.providerEngineer.token,
          body: { acknowledgeIrreversible: true, override: { reason: 'customer asked for today' } },
        }),
      /provider-admin/,
    );
    const applied = await server.call('POST', `${base}/apply`, {
      token: admin,
      body: { acknowledgeIrreversible: true, override: { reason: 'security fix, customer agreed by phone' } },
    });
    expect(applied.status, applied.text).toBe(200);
    expect(applied.json.state).toBe('applied');
    const overrides = await server.store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'infrastructure.change.apply.override')
      .execute();
    expect(overrides).toHaveLength(1);
    expect(JSON.stringify(overrides[0])).toContain('security fix, customer agreed by phone');
    const undo = await refused(
      409,
      () => server.call('POST', `${base}/undo`, { token: bea }),
      /cannot be undone/,
    );
    expect(undo).toMatchObject({ policy: 'infrastructure-final' });
    await refused(
      404,
      () => server.call('POST', `${base}/undo`, { token: server.seed.users.globexAdmin.token }),
      /was not found/,
    );
  });
});

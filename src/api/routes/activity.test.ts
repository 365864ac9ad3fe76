/**
 * Issue 17, item 3 over real HTTP on both engines: every kind of change has an activity history that
 * names people (not usr_ ids), carries the notes and report hashes, links each step to its audit
 * entry, and hides another tenant's change exactly like a missing one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/support/engines.js';
import { createScratchDatabase, storeOptionsFor } from '../../../test/support/scratch-postgres.js';
import type { ScratchDatabase } from '../../../test/support/scratch-postgres.js';
import type { ChangeActivity } from '../../workflows/index.js';
import { startTestServer } from '../test-server.js';
import type { TestServer } from '../test-server.js';

describe.each(engines)('change activity (%s)', (engine) => {
  let server: TestServer;
  let database: ScratchDatabase | undefined;

  beforeAll(async () => {
    if (engine === 'postgres') database = await createScratchDatabase('ratchet_activity');
    server = await startTestServer(storeOptionsFor(database));
  }, 60_000);
  afterAll(async () => {
    await server.close();
    await database?.drop();
  });

  async function post(token: string, path: string, body: unknown): Promise<Record<string, unknown>> {
    const response = await server.call('POST', path, { token, body });
    expect(response.status, response.text).toBeLessThan(300);
    return response.json;
  }

  async function activity(token: string, kind: string, id: string): Promise<ChangeActivity> {
    const response = await server.call('GET', `/api/v1/changes/${kind}/${encodeURIComponent(id)}/activity`, {
      token,
    });
    expect(response.status, response.text).toBe(200);
    return response.json as unknown as ChangeActivity;
  }

  it('tells a rollback from request to resolution: who by name, the notes, the bound report hash', async () => {
    const { bea, providerEngineer: pete } = server.seed.users;
    const requested = await post(bea.token, '/api/v1/instances/acme%2Facme-prod/image/rollback-requests', {
      package: 'dbt-core',
      target: '==1.10.*',
      reason: 'snapshots broke on 1.11',
    });
    const id = String(requested.id);
    await post(pete.token, `/api/v1/rollback-requests/${id}/approve`, {
      reason: 'Review done; pipelines fixed',
      urgent: true,
    });
    await post(bea.token, `/api/v1/rollback-requests/${id}/accept`, { reportHash: requested.reportHash });
    await post(pete.token, '/api/v1/instances/acme%2Facme-prod/image/deployment/confirm', {});
    await post(bea.token, `/api/v1/rollback-requests/${id}/confirm`, { note: 'Nightly run green again' });

    const history = await activity(server.seed.users.ana.token, 'rollback', id);
    expect(history.title).toMatch(/^Rollback on acme-prod: dbt-core==1\.10\.\*/);
    expect(history.entries.map((e) => [e.actor.name, e.summary])).toEqual([
      [bea.user.name, 'requested the rollback'],
      [pete.user.name, 'approved the rollback (urgent: production first)'],
      [bea.user.name, 'accepted responsibility for downstream effects, bound to the report'],
      [pete.user.name, expect.stringMatching(/^reported revision \d+ live on acme-prod$/)],
      [bea.user.name, expect.stringMatching(/^confirmed resolution; rollback pin: dbt-core held at 1\.10\./)],
    ]);
    expect(history.entries.map((e) => e.note)).toEqual([
      'snapshots broke on 1.11',
      'Review done; pipelines fixed',
      null,
      null,
      'Nightly run green again',
    ]);
    expect(history.entries[2]!.reportHash).toBe(requested.reportHash);
    expect(JSON.stringify(history)).not.toMatch(/"name":"usr_/);

    // Each entry is its audit entry: same seq, same hash, same time.
    const audit = await server.call(
      'GET',
      `/api/v1/audit?afterSeq=${history.entries[0]!.seq - 1}&limit=500`,
      {
        token: server.seed.users.providerAdmin.token,
      },
    );
    expect(audit.status, audit.text).toBe(200);
    const bySeq = new Map(
      (audit.json.entries as { seq: number; hash: string; at: string; target: string }[]).map((e) => [
        e.seq,
        e,
      ]),
    );
    for (const entry of history.entries) {
      expect(bySeq.get(entry.seq)).toMatchObject({
        hash: entry.auditHash,
        at: entry.at,
        target: `image-change:${id}`,
      });
    }
  });

  it("tells a defect's triage and closing with the assignee's name and the reason", async () => {
    const { ana, providerEngineer: pete } = server.seed.users;
    const defect = await post(ana.token, '/api/v1/defects', {
      instance: 'acme/acme-prod',
      title: 'Scheduler skips runs',
      observed: 'Hourly DAGs skip every other run since 3.4.0.',
      since: '2025-06-01',
    });
    const id = String(defect.id);
    await post(pete.token, `/api/v1/defects/${id}/triage`, { severity: 2, assignee: pete.user.id });
    await post(pete.token, `/api/v1/defects/${id}/close`, {
      as: 'not-a-defect',
      reason: 'Expected: catchup is False on these DAGs.',
    });
    const history = await activity(ana.token, 'defect', id);
    expect(history.entries.map((e) => [e.actor.name, e.summary, e.note])).toEqual([
      [ana.user.name, 'reported the defect', null],
      [pete.user.name, `triaged it: severity 2, assigned to ${pete.user.name}`, null],
      [pete.user.name, 'closed it as not a defect', 'Expected: catchup is False on these DAGs.'],
    ]);
  });

  it("tells an infrastructure change's plan and sign-offs with their notes", async () => {
    const { providerEngineer: pete, bea } = server.seed.users;
    const start = Date.now() + 86_400_000;
    const change = await post(pete.token, '/api/v1/infrastructure/changes', {
      title: 'Kubernetes 1.31',
      why: 'End of support for 1.30',
      changes: { kubernetes: '1.31' },
      risk: 'medium',
      windowStart: new Date(start).toISOString(),
      windowEnd: new Date(start + 3_600_000).toISOString(),
      instances: ['acme/acme-test'],
    });
    const id = String(change.id);
    await post(bea.token, `/api/v1/infrastructure/changes/${id}/signoffs`, {
      note: 'Our DAGs ran on the new nodes',
    });
    const history = await activity(bea.token, 'infrastructure', id);
    expect(history.entries.map((e) => [e.actor.name, e.summary, e.note])).toEqual([
      [pete.user.name, 'planned the change and invited the customer to test it', null],
      [bea.user.name, 'signed off the testing for the customer', 'Our DAGs ran on the new nodes'],
    ]);
  });

  it("tells a platform release's rollouts, but a customer sees only its own tenant's", async () => {
    const { providerEngineer: pete, bea, globexAdmin } = server.seed.users;
    await post(pete.token, '/api/v1/platform/releases', {
      version: '9.0.0',
      components: { airflow: '3.1.0' },
    });
    await post(pete.token, '/api/v1/platform/releases/9.0.0/rollouts', { instance: 'acme/acme-test' });
    const provider = await activity(pete.token, 'platform-release', '9.0.0');
    expect(provider.entries.map((e) => e.summary)).toEqual([
      'published the release',
      expect.stringMatching(/^rolled it out to acme-test \(revision \d+\)$/),
    ]);
    const acme = await activity(bea.token, 'platform-release', '9.0.0');
    expect(acme.entries).toHaveLength(2);
    const globex = await activity(globexAdmin.token, 'platform-release', '9.0.0');
    expect(globex.entries.map((e) => e.summary)).toEqual(['published the release']);
    expect(JSON.stringify(globex)).not.toContain('acme');
  });

  it("answers another tenant's change exactly as a missing one, and refuses an unknown kind", async () => {
    const { bea, globexAdmin } = server.seed.users;
    const requested = await server.call('GET', '/api/v1/instances/acme%2Facme-prod/image/rollback-requests', {
      token: bea.token,
    });
    const id = (requested.json.requests as { id: string }[])[0]!.id;
    const foreign = await server.call('GET', `/api/v1/changes/rollback/${id}/activity`, {
      token: globexAdmin.token,
    });
    const missing = await server.call('GET', '/api/v1/changes/rollback/rbr_missing/activity', {
      token: globexAdmin.token,
    });
    expect(foreign.status).toBe(404);
    expect(foreign.text.replaceAll(id, '{id}')).toBe(missing.text.replaceAll('rbr_missing', '{id}'));
    const unknown = await server.call('GET', `/api/v1/changes/deployment/${id}/activity`, {
      token: bea.token,
    });
    expect(unknown.status).toBe(400);
    expect(unknown.contentType).toMatch(/problem\+json/);
  });
});

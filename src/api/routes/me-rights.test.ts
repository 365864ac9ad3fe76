/**
 * Issue 18: GET /api/v1/me says who may ship a hotfix, run or cancel a trial, report a defect, sign
 * off or apply an infrastructure change, and requeue a parked notification, and the dashboard reads
 * that instead of its own role lists. Over HTTP on both engines, for every role and every action:
 * `may[action].allowed` is true exactly when the API call behind it is accepted; otherwise the call
 * is a 403 that writes nothing. Each entry names the permission the workflow asserts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditCounts } from '../../../test/support/audit.js';
import { engines } from '../../../test/support/engines.js';
import { actorOf, tokensForEveryRole } from '../../../test/support/roles.js';
import { createScratchDatabase, storeOptionsFor } from '../../../test/support/scratch-postgres.js';
import type { ScratchDatabase } from '../../../test/support/scratch-postgres.js';
import { insertTrialRows, trialRow } from '../../../test/support/trial-rows.js';
import { PERMISSIONS } from '../../domain/roles/index.js';
import type { Actor, Role } from '../../domain/roles/index.js';
import { ACTION_PERMISSION, createInstance, RIGHTFUL_ACTIONS } from '../../workflows/index.js';
import type { RightfulAction } from '../../workflows/index.js';
import type { Me } from '../wire.js';
import { UNLIMITED_QUOTAS } from '../quotas.js';
import { startTestServer } from '../test-server.js';
import type { CallResult, TestServer } from '../test-server.js';

const CALLERS: Role[] = [
  'provider-admin',
  'provider-engineer',
  'provider-support',
  'customer-admin',
  'customer-member',
  'lineage-ingest',
];
const ACME_PROD = '/api/v1/instances/acme%2Facme-prod';
// Trials to cancel live on acme-test, so a running one never blocks starting a trial on acme-prod.
const ACME_TEST = '/api/v1/instances/acme%2Facme-test';
const HOUR = 3_600_000;

/** One action, set up afresh for one caller. */
interface Attempt {
  call: () => Promise<CallResult>;
  /** The status of an accepted call. */
  accepted: number;
  /** What the call changes, read before and after. */
  probe: () => Promise<unknown>;
  /** For an allowed caller whose call cannot complete here: the refusal past the permission check. */
  acceptedDetail?: RegExp;
}

describe.each(engines)('GET /me says what the caller may do, and the API agrees (%s)', (engine) => {
  let server: TestServer;
  let database: ScratchDatabase | undefined;
  const tokens = new Map<Role, string>();
  let engineer: Actor;
  let made = 0;

  beforeAll(async () => {
    if (engine === 'postgres') database = await createScratchDatabase('ratchet_me_rights');
    server = await startTestServer({
      quotas: UNLIMITED_QUOTAS,
      ...storeOptionsFor(database),
    });
    engineer = actorOf(server.seed.users.providerEngineer.user);
    for (const [role, token] of await tokensForEveryRole(server, { label: 'rights', withIngestion: true }))
      tokens.set(role, token);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  const tokenOf = (role: Role): string => tokens.get(role)!;
  const post = (role: Role, path: string, body?: unknown): Promise<CallResult> =>
    server.call('POST', path, { token: tokenOf(role), ...(body === undefined ? {} : { body }) });
  async function count(table: 'platform_releases' | 'image_trials' | 'defects'): Promise<number> {
    const row = await server.store.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** A planned infrastructure change on a fresh acme instance, its window open now (or later). */
  async function plannedChange(planner: Role, signers: Role[] = [], opensIn = -HOUR): Promise<string> {
    made += 1;
    const instance = await createInstance(server.store, engineer, {
      tenant: 'acme',
      name: `rights-${String(made)}`,
      kind: 'test',
    });
    const now = Date.now();
    const planned = await post(planner, '/api/v1/infrastructure/changes', {
      title: `Kubernetes 1.31 (${String(made)})`,
      why: 'The rights test',
      changes: { kubernetes: '1.31' },
      risk: 'low',
      windowStart: new Date(now + opensIn).toISOString(),
      windowEnd: new Date(now + opensIn + 2 * HOUR).toISOString(),
      instances: [instance.id],
    });
    expect(planned.status, planned.text).toBe(201);
    const id = String(planned.json.id);
    for (const signer of signers) {
      const signed = await post(signer, `/api/v1/infrastructure/changes/${id}/signoffs`, {});
      expect(signed.status, signed.text).toBe(201);
    }
    return id;
  }
  const changeOf = async (id: string) =>
    (await server.call('GET', `/api/v1/infrastructure/changes/${id}`, { token: tokenOf('provider-admin') }))
      .json;

  const ATTEMPTS: Record<RightfulAction, (role: Role) => Promise<Attempt>> = {
    publishRelease: async (role) => {
      made += 1;
      // Platform versions only go up (one counter for every release this test publishes).
      const version = `10.${String(made)}.0`;
      return {
        call: () =>
          post(role, '/api/v1/platform/releases', {
            version,
            components: { airflow: '3.0.6', python: '3.12' },
          }),
        accepted: 201,
        probe: () => count('platform_releases'),
      };
    },
    rollOutRelease: async (role) => {
      made += 1;
      const version = `10.${String(made)}.0`;
      const published = await post('provider-engineer', '/api/v1/platform/releases', {
        version,
        components: { airflow: '3.0.7', python: '3.12' },
      });
      expect(published.status, published.text).toBe(201);
      return {
        call: () =>
          post(role, `/api/v1/platform/releases/${version}/rollouts`, {
            instance: 'acme/acme-test',
          }),
        accepted: 201,
        probe: async () =>
          (await server.call('GET', '/api/v1/platform/status', { token: tokenOf('provider-admin') })).text,
      };
    },
    // acme-prod has no registered dbt project, so an allowed caller gets past the permission to the
    // instance's own refusal (a 400, nothing queued): no trial runs here.
    startTrial: async (role) => ({
      call: () => post(role, `${ACME_PROD}/image/trials`, { set: ['dbt-core==1.10.*'] }),
      accepted: 400,
      acceptedDetail: /no registered dbt projects/,
      probe: () => count('image_trials'),
    }),
    cancelTrial: async (role) => {
      made += 1;
      const id = `trl_rights_${String(made)}`;
      const instance = (
        await server.store.repos.instances.findByName('acme-test', server.seed.tenants.acme.id)
      )[0]!;
      // Run by another server (its lease held): a cancel marks the row, no process of ours runs.
      await insertTrialRows(server.store, [
        trialRow(
          { id, instance, state: 'running', createdBy: server.seed.users.bea.user.id },
          {
            progress: '{"done":0,"total":1,"step":"running"}',
            attempts: 1,
            lease_owner: 'other-server',
            lease_expires_at: new Date(Date.now() + HOUR).toISOString(),
          },
        ),
      ]);
      return {
        call: () => post(role, `${ACME_TEST}/image/trials/${id}/cancel`),
        accepted: 200,
        probe: async () =>
          (
            await server.store.db
              .selectFrom('image_trials')
              .select(['state', 'version'])
              .where('id', '=', id)
              .executeTakeFirstOrThrow()
          ).state,
      };
    },
    reportDefect: async (role) => ({
      call: () =>
        post(role, '/api/v1/defects', {
          instance: 'acme/acme-prod',
          title: 'Scheduler skips runs',
          observed: 'The scheduler skips every other hourly run of the ingest DAG.',
          since: '2026-01-02',
        }),
      accepted: 201,
      probe: () => count('defects'),
    }),
    signOffInfrastructure: async (role) => {
      // Nobody signs off their own change: planned by another provider user.
      const id = await plannedChange(role === 'provider-admin' ? 'provider-engineer' : 'provider-admin');
      return {
        call: () => post(role, `/api/v1/infrastructure/changes/${id}/signoffs`, { note: 'ok' }),
        accepted: 201,
        probe: async () => (await changeOf(id))['signoffs'],
      };
    },
    applyInfrastructure: async (role) => {
      const id = await plannedChange('provider-admin', ['provider-engineer', 'customer-member']);
      return {
        call: () =>
          post(role, `/api/v1/infrastructure/changes/${id}/apply`, {
            acknowledgeIrreversible: true,
          }),
        accepted: 200,
        probe: async () => (await changeOf(id))['state'],
      };
    },
    applyInfrastructureOutsideWindow: async (role) => {
      const id = await plannedChange('provider-admin', ['provider-engineer', 'customer-member'], 2 * HOUR);
      return {
        call: () =>
          post(role, `/api/v1/infrastructure/changes/${id}/apply`, {
            acknowledgeIrreversible: true,
            override: { reason: 'The vendor patch cannot wait for the window' },
          }),
        accepted: 200,
        probe: async () => (await changeOf(id))['state'],
      };
    },
    requeueDelivery: async (role) => {
      made += 1;
      const id = `obx_rights_${String(made)}`;
      const at = new Date().toISOString();
      await server.store.db
        .insertInto('outbox')
        .values({
          id,
          idempotency_key: `rights-${String(made)}`,
          event_id: `evt_rights_${String(made)}`,
          topic: 'rights.test',
          receiver_id: 'nobody',
          channel: 'webhook',
          payload: JSON.stringify({ subject: 'Parked', text: 'Parked', data: {}, address: null }),
          attempts: 5,
          next_attempt_at: at,
          lease_until: null,
          lease_owner: null,
          status: 'failed',
          last_error: 'The receiver answered 500',
          created_at: at,
          delivered_at: null,
        })
        .execute();
      return {
        call: () => post(role, `/api/v1/deliveries/${id}/requeue`),
        accepted: 200,
        probe: async () =>
          (
            await server.store.db
              .selectFrom('outbox')
              .select('status')
              .where('id', '=', id)
              .executeTakeFirstOrThrow()
          ).status,
      };
    },
  };

  it('answers one entry per action, naming the permission its workflow asserts and who holds it', async () => {
    const me = await server.call('GET', '/api/v1/me', { token: tokenOf('customer-member') });
    expect(me.status, me.text).toBe(200);
    const { may } = me.json as unknown as Me;
    expect(Object.keys(may).sort()).toEqual([...RIGHTFUL_ACTIONS].sort());
    for (const action of RIGHTFUL_ACTIONS) {
      expect(may[action].permission).toBe(ACTION_PERMISSION[action]);
      expect(may[action].roles).toEqual(PERMISSIONS[ACTION_PERMISSION[action]]);
    }
  });

  it('says a role may take an action exactly when the API accepts it; a refusal is a 403 that writes nothing', async () => {
    const allowed = Object.fromEntries(RIGHTFUL_ACTIONS.map((a) => [a, [] as Role[]])) as Record<
      RightfulAction,
      Role[]
    >;
    for (const role of CALLERS) {
      const me = await server.call('GET', '/api/v1/me', { token: tokenOf(role) });
      expect(me.status, me.text).toBe(200);
      const { may } = me.json as unknown as Me;
      for (const action of RIGHTFUL_ACTIONS) {
        const attempt = await ATTEMPTS[action](role);
        const before = { probe: await attempt.probe(), changes: (await auditCounts(server.store)).changes };
        const answer = await attempt.call();
        const what = `${role} ${action}: ${answer.text}`;
        if (may[action].allowed) {
          expect(answer.status, what).toBe(attempt.accepted);
          if (attempt.acceptedDetail)
            expect(String(answer.json.detail), what).toMatch(attempt.acceptedDetail);
          else expect(await attempt.probe(), what).not.toEqual(before.probe);
          allowed[action].push(role);
          continue;
        }
        expect(answer.status, what).toBe(403);
        expect(answer.json['type'], what).toBe('urn:ratchet:problem:not-allowed');
        expect(await attempt.probe(), what).toEqual(before.probe);
        expect((await auditCounts(server.store)).changes, what).toBe(before.changes);
      }
    }
    // The policy as src/domain/roles/permissions.ts states it today.
    expect(allowed).toEqual({
      publishRelease: ['provider-admin', 'provider-engineer'],
      rollOutRelease: ['provider-admin', 'provider-engineer'],
      startTrial: ['provider-admin', 'provider-engineer', 'customer-admin'],
      cancelTrial: ['provider-admin', 'provider-engineer', 'customer-admin'],
      reportDefect: ['customer-admin', 'customer-member'],
      signOffInfrastructure: ['provider-admin', 'provider-engineer', 'customer-admin', 'customer-member'],
      applyInfrastructure: ['provider-admin', 'provider-engineer'],
      applyInfrastructureOutsideWindow: ['provider-admin'],
      requeueDelivery: ['provider-admin', 'provider-engineer'],
    });
  }, 300_000);
});

/**
 * Issue 6 end to end on the store, on every engine: releases test-first, the defect process with a
 * hotfix and the reporter's notification, the downgrade refusal, two-party infrastructure changes.
 * Each refusal is checked to change nothing (rows and audit entries counted before and after).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, openTestStore } from '../../../test/support/engines.js';
import type { TestStore } from '../../../test/support/engines.js';
import { ConflictError, InputError, NotAllowedError, PolicyError } from '../../domain/errors/index.js';
import type { PlatformContent } from '../../domain/revisions/index.js';
import type { Actor } from '../../domain/roles/index.js';
import type { User } from '../../domain/users/index.js';
import type { Store } from '../../store/index.js';
import {
  checkSlaBreaches,
  getDefect,
  listDefects,
  reopenDefect,
  reportDefect,
  resolveDefect,
  triageDefect,
} from '../defects/index.js';
import { seedDemo } from '../demo.js';
import {
  applyInfrastructureChange,
  attemptInfrastructureUndo,
  listInfrastructureChanges,
  planInfrastructureChange,
  signoffInfrastructureChange,
} from '../infrastructure/index.js';
import type { DemoSeed } from '../types.js';
import { platformStatus, publishRelease, rolloutRelease } from './index.js';

const actorOf = (user: User): Actor => ({
  userId: user.id,
  name: user.name,
  role: user.role,
  tenantId: user.tenantId,
});

async function counts(
  store: Store,
): Promise<Record<'audit' | 'outbox' | 'defects' | 'revisions' | 'releases' | 'signoffs', number>> {
  const count = async (
    table: 'audit_log' | 'outbox' | 'defects' | 'revisions' | 'platform_releases' | 'infrastructure_signoffs',
  ) =>
    Number(
      (
        await store.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    audit: await count('audit_log'),
    outbox: await count('outbox'),
    defects: await count('defects'),
    revisions: await count('revisions'),
    releases: await count('platform_releases'),
    signoffs: await count('infrastructure_signoffs'),
  };
}

/** Asserts `attempt` throws `kind` matching `message` and leaves every counted table untouched. */
async function refusedWithoutChange(
  store: Store,
  attempt: () => Promise<unknown>,
  kind: new (...args: never[]) => Error,
  message: RegExp,
): Promise<Error> {
  const before = await counts(store);
  const error = await attempt().then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: unknown) => e as Error,
  );
  expect(error).toBeInstanceOf(kind);
  expect(error.message).toMatch(message);
  expect(await counts(store)).toEqual(before);
  return error;
}

describe.each(engines)('platform releases, defects, infrastructure (%s)', (engine) => {
  let t: TestStore;
  let store: Store;
  let seed: DemoSeed;
  let offset = 0;
  let engineer: Actor;
  let admin: Actor;
  let support: Actor;
  let bea: Actor;
  let ana: Actor;

  beforeAll(async () => {
    t = await openTestStore(engine, { now: () => new Date(Date.now() + offset) });
    store = t.store;
    seed = await seedDemo(store);
    engineer = actorOf(seed.users.providerEngineer.user);
    admin = actorOf(seed.users.providerAdmin.user);
    bea = actorOf(seed.users.bea.user);
    ana = actorOf(seed.users.ana.user);
    const supportUser = await store.transaction((tx) =>
      tx.users.insert({ name: 'Sam (Support)', email: null, role: 'provider-support', tenantId: null }),
    );
    support = actorOf(supportUser);
  }, 60_000);
  afterAll(() => t.destroy());

  it('seeds a triaged severity-2 defect by Bea and an infrastructure change awaiting the customer', async () => {
    const [defect] = await listDefects(store, bea);
    expect(defect).toMatchObject({
      state: 'triaged',
      severity: 2,
      regressedIn: '3.4.0',
      reporterUserId: bea.userId,
    });
    const [change] = await listInfrastructureChanges(store, bea);
    expect(change).toMatchObject({ state: 'planned', testedBy: { provider: true, customer: false } });
    // Planning invites the customer: each customer admin of the tenant, and nobody else.
    const invited = await store.db
      .selectFrom('outbox')
      .select('receiver_id')
      .where('event_id', '=', `infrastructure-change:${change!.id}:planned`)
      .execute();
    expect(invited.map((row) => row.receiver_id)).toEqual([`user:${bea.userId}`]);
    // Tenant isolation: Globex sees neither.
    expect(await listDefects(store, actorOf(seed.users.globexAdmin.user))).toEqual([]);
  });

  it('fixes the defect by hotfix 3.4.1: test first, then deployed, the reporter notified, confirmed', async () => {
    const [seeded] = await listDefects(store, bea);
    const defectId = seeded!.id;
    await refusedWithoutChange(
      store,
      () => resolveDefect(store, bea, { defect: defectId }),
      ConflictError,
      /is triaged; "resolve" is only possible when it is deployed/,
    );
    await refusedWithoutChange(
      store,
      () => publishRelease(store, support, { version: '3.4.1', components: { airflow: '3.0.6' } }),
      NotAllowedError,
      /reserved for: provider-admin, provider-engineer/,
    );
    const hotfix = await publishRelease(store, engineer, {
      version: '3.4.1',
      components: { airflow: '3.0.6-ratchet.1', python: '3.12' },
      notes: 'Sensor timeouts fixed',
      fixes: [defectId],
    });
    expect(hotfix.targets).toEqual([seed.instances.acmeProd.id]);
    expect((await getDefect(store, bea, defectId)).state).toBe('fix-in-progress');

    await refusedWithoutChange(
      store,
      () => rolloutRelease(store, engineer, { release: '3.4.1', instance: seed.instances.globexProd.id }),
      ConflictError,
      /limited to the instances affected/,
    );
    await refusedWithoutChange(
      store,
      () => rolloutRelease(store, engineer, { release: '3.4.1', instance: 'acme/acme-prod' }),
      PolicyError,
      /test instance acme-test has not run it yet/,
    );

    await rolloutRelease(store, engineer, { release: '3.4.1', instance: 'acme/acme-test' });
    expect((await getDefect(store, bea, defectId)).state).toBe('fix-in-test');
    const outboxBefore = (await counts(store)).outbox;
    const rollout = await rolloutRelease(store, engineer, { release: '3.4.1', instance: 'acme/acme-prod' });
    const deployed = await getDefect(store, bea, defectId);
    expect(deployed).toMatchObject({ state: 'deployed', fixedByRelease: '3.4.1' });

    const current = await store.repos.revisions.current(seed.instances.acmeProd.id, 'platform');
    expect(current).toMatchObject({ number: rollout.revisionNumber, status: 'deployed' });
    expect((current!.content as PlatformContent).version).toBe('3.4.1');

    const notes = await store.db
      .selectFrom('outbox')
      .selectAll()
      .where('topic', '=', 'hotfix.deployed')
      .execute();
    expect((await counts(store)).outbox).toBe(outboxBefore + 1);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ receiver_id: `user:${bea.userId}`, channel: 'email' });
    expect(JSON.parse(notes[0]!.payload)).toMatchObject({ address: 'bea@acme.example', data: { defectId } });

    await refusedWithoutChange(
      store,
      () => resolveDefect(store, ana, { defect: defectId }),
      NotAllowedError,
      /Only the reporter/,
    );
    const resolved = await resolveDefect(store, bea, { defect: defectId, note: 'Sensors wait again' });
    expect(resolved.state).toBe('resolved');
    expect(resolved.sla.find((c) => c.clock === 'resolution')).toMatchObject({ breached: false });
    expect((await store.verifyAuditChain()).ok).toBe(true);
  });

  it('refuses a platform downgrade with the forward-fix explanation and a link to report a defect', async () => {
    const error = await refusedWithoutChange(
      store,
      () => rolloutRelease(store, engineer, { release: '3.3.0', instance: 'acme/acme-prod' }),
      PolicyError,
      /acme-prod already runs the newer 3\.4\.1, and platform versions only increase.*cannot be rolled back once upgraded/,
    );
    expect((error as PolicyError).remedy).toMatch(/Report the defect .*\/api\/v1\/defects/);
    expect((error as PolicyError).extra).toMatchObject({ reportDefect: '/api/v1/defects' });
    await refusedWithoutChange(
      store,
      () => publishRelease(store, engineer, { version: '3.4.0', components: { airflow: '3' } }),
      PolicyError,
      /equal to 3\.4\.1|lower than 3\.4\.1/,
    );
  });

  it('takes a regular release to test, then production; only an admin overrides, audited', async () => {
    await publishRelease(store, engineer, {
      version: '3.5.0',
      components: { airflow: '3.1.0', python: '3.13' },
    });
    await refusedWithoutChange(
      store,
      () =>
        rolloutRelease(store, engineer, {
          release: '3.5.0',
          instance: 'acme/acme-prod',
          override: { reason: 'urgent security fix' },
        }),
      NotAllowedError,
      /platform\.rollout\.override/,
    );
    await rolloutRelease(store, engineer, { release: '3.5.0', instance: 'acme/acme-test' });
    await rolloutRelease(store, engineer, { release: '3.5.0', instance: 'acme/acme-prod' });
    const status = await platformStatus(store, bea);
    expect(status.map((s) => [s.instance.name, s.currentVersion])).toEqual(
      expect.arrayContaining([
        ['acme-test', '3.5.0'],
        ['acme-prod', '3.5.0'],
      ]),
    );
    // Globex has no test instance: only a provider admin's audited override takes it there.
    await refusedWithoutChange(
      store,
      () => rolloutRelease(store, engineer, { release: '3.5.0', instance: 'globex/globex-prod' }),
      PolicyError,
      /it has no test instance/,
    );
    const rollout = await rolloutRelease(store, admin, {
      release: '3.5.0',
      instance: 'globex/globex-prod',
      override: { reason: 'Globex has no test instance; accepted in the contract' },
    });
    expect(rollout.overrideReason).toMatch(/no test instance/);
    const audit = await store.repos.audit.list({ limit: 1000 });
    expect(audit.some((e) => e.action === 'platform.rollout.override')).toBe(true);
  });

  it('refuses wrong roles and out-of-order defect steps without changing anything', async () => {
    await refusedWithoutChange(
      store,
      () =>
        reportDefect(store, engineer, {
          instance: 'acme/acme-prod',
          title: 'x x x',
          observed: 'something odd',
          since: '2025-01-01',
        }),
      NotAllowedError,
      /defect\.report/,
    );
    await refusedWithoutChange(
      store,
      () =>
        reportDefect(store, bea, {
          instance: 'acme/acme-prod',
          title: 'Later',
          observed: 'something odd happens',
          since: '2999-01-01',
        }),
      InputError,
      /in the future/,
    );
    const reported = await reportDefect(store, ana, {
      instance: 'acme-prod',
      title: 'dbt docs page is blank',
      observed: 'The dbt docs page shows a blank screen for every project.',
      since: '2025-06-01T08:00:00Z',
      suggestedSeverity: 1,
    });
    await refusedWithoutChange(
      store,
      () => triageDefect(store, ana, { defect: reported.id, severity: 2 }),
      NotAllowedError,
      /defect\.triage/,
    );
    await refusedWithoutChange(
      store,
      () => reopenDefect(store, ana, { defect: reported.id, reason: 'still broken' }),
      ConflictError,
      /is reported; "reopen"/,
    );
    await refusedWithoutChange(
      store,
      () => triageDefect(store, support, { defect: reported.id, severity: 2, regressedIn: '9.9.9' }),
      InputError,
      /never published/,
    );
    await refusedWithoutChange(
      store,
      () => getDefect(store, actorOf(seed.users.globexAdmin.user), reported.id),
      Error,
      /was not found/,
    );

    // SLA: severity 1 is answered within an hour by default; two hours later the on-call group hears once.
    offset += 2 * 3600_000;
    expect((await getDefect(store, ana, reported.id)).breached).toBe(true);
    const first = await checkSlaBreaches(store);
    expect(first).toEqual([expect.objectContaining({ defectId: reported.id, clock: 'response' })]);
    expect(await checkSlaBreaches(store)).toEqual([]);
    const onCall = await store.db
      .selectFrom('outbox')
      .selectAll()
      .where('topic', '=', 'defect.sla-breached')
      .execute();
    expect(onCall).toHaveLength(1);
    expect(onCall[0]).toMatchObject({ receiver_id: 'provider:on-call' });
    const triaged = await triageDefect(store, support, { defect: reported.id, severity: 3 });
    expect(triaged.sla.find((c) => c.clock === 'response')).toMatchObject({ breached: true });
  });

  it('applies an infrastructure change only after both parties signed off, and never undoes it', async () => {
    const [change] = await listInfrastructureChanges(store, engineer, { state: 'planned' });
    const id = change!.id;
    await refusedWithoutChange(
      store,
      () => applyInfrastructureChange(store, engineer, { change: id, acknowledgeIrreversible: true }),
      PolicyError,
      /still needs a customer sign-off.*Both parties participate in testing/,
    );
    await refusedWithoutChange(
      store,
      () => signoffInfrastructureChange(store, engineer, { change: id }),
      NotAllowedError,
      /nobody signs off their own change/,
    );
    await refusedWithoutChange(
      store,
      () =>
        planInfrastructureChange(store, engineer, {
          title: 'Node pool resize',
          why: 'More memory for dbt',
          changes: { nodePools: { default: 'm6i.2xlarge x3' } },
          risk: 'low',
          windowStart: change!.windowStart,
          windowEnd: new Date(Date.parse(change!.windowStart) + 3600_000).toISOString(),
          instances: ['acme/acme-prod'],
        }),
      ConflictError,
      /overlaps infrastructure change/,
    );
    await refusedWithoutChange(
      store,
      () => attemptInfrastructureUndo(store, bea, { change: id }),
      ConflictError,
      /never applied/,
    );
    await signoffInfrastructureChange(store, bea, {
      change: id,
      note: 'Our DAGs ran on the staging cluster',
    });
    await refusedWithoutChange(
      store,
      () => applyInfrastructureChange(store, engineer, { change: id }),
      InputError,
      /acknowledgeIrreversible.*cannot be undone/,
    );
    // Both parties planned and tested for the window: before it opens, the apply is refused, and
    // only a provider-admin may override it (with a reason).
    await refusedWithoutChange(
      store,
      () => applyInfrastructureChange(store, engineer, { change: id, acknowledgeIrreversible: true }),
      PolicyError,
      /is planned for the window .* which has not opened yet/,
    );
    await refusedWithoutChange(
      store,
      () =>
        applyInfrastructureChange(store, engineer, {
          change: id,
          acknowledgeIrreversible: true,
          override: { reason: 'the customer asked for it today' },
        }),
      NotAllowedError,
      /provider-admin/,
    );
    const clockBefore = offset;
    offset = Date.parse(change!.windowStart) + 60_000 - Date.now();
    const before = await store.repos.revisions.latestNumber(seed.instances.acmeProd.id, 'infrastructure');
    const applied = await applyInfrastructureChange(store, engineer, {
      change: id,
      acknowledgeIrreversible: true,
    });
    offset = clockBefore;
    expect(applied.state).toBe('applied');
    for (const instance of [seed.instances.acmeTest, seed.instances.acmeProd]) {
      const current = await store.repos.revisions.current(instance.id, 'infrastructure');
      expect(current?.content).toMatchObject({ changes: { kubernetes: '1.31' } });
    }
    expect(await store.repos.revisions.latestNumber(seed.instances.acmeProd.id, 'infrastructure')).toBe(
      before + 1,
    );
    const undo = await refusedWithoutChange(
      store,
      () => attemptInfrastructureUndo(store, bea, { change: id }),
      PolicyError,
      /is final: the rollback policy says "Once an infrastructure upgrade is applied, it cannot be undone/,
    );
    expect((undo as PolicyError).remedy).toMatch(/Plan a new forward infrastructure change/);
    await refusedWithoutChange(
      store,
      () => signoffInfrastructureChange(store, admin, { change: id }),
      PolicyError,
      /is final/,
    );
    expect((await store.verifyAuditChain()).ok).toBe(true);
  });
});

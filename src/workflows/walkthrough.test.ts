import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, openTestStore } from '../../test/support/engines.js';
import type { TestStore } from '../../test/support/engines.js';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  PolicyError,
} from '../domain/errors/index.js';
import type { Actor } from '../domain/roles/index.js';
import type { Store } from '../store/index.js';
import {
  attemptRollback,
  bootstrapAdmin,
  createInstance,
  createTenant,
  createUser,
  getCurrentRevision,
  getInstance,
  listInstances,
  listRevisions,
  listTenants,
  markRevisionDeployed,
  markRevisionFailed,
  recordRevision,
  verifyAudit,
} from './index.js';

const image = (dbtCore: string, dbtSnowflake: string): unknown => ({
  python: '3.12',
  platform: '3.4.0',
  index: 'https://pypi.org/simple',
  packages: [
    { name: 'dbt-core', version: dbtCore },
    { name: 'dbt-snowflake', version: dbtSnowflake },
  ],
});

function actorOf(user: { id: string; name: string; role: Actor['role']; tenantId: string | null }): Actor {
  return { userId: user.id, name: user.name, role: user.role, tenantId: user.tenantId };
}

/** Refusals must change nothing: no revision, no audit entry. */
async function expectNothingChanged(
  store: Store,
  attempt: () => Promise<unknown>,
  kind: new (...args: never[]) => Error,
): Promise<Error> {
  const revisions = await store.repos.revisions.count();
  const audit = await store.repos.audit.count();
  const error = await attempt().then(
    () => null,
    (e: unknown) => e as Error,
  );
  expect(error).toBeInstanceOf(kind);
  expect(await store.repos.revisions.count()).toBe(revisions);
  expect(await store.repos.audit.count()).toBe(audit);
  return error!;
}

describe.each(engines)('Foundation walkthrough (%s)', (engine) => {
  let t: TestStore;
  let store: Store;
  let admin: Actor;
  let engineer: Actor;
  let bea: Actor;
  let globexAdmin: Actor;

  beforeAll(async () => {
    t = await openTestStore(engine);
    store = t.store;
    const boot = await bootstrapAdmin(store, { name: 'Root' });
    if (!boot.created) throw new Error('bootstrap should create the first admin');
    admin = actorOf(boot.user);
  });
  afterAll(() => t.destroy());

  it('bootstraps the first admin only once', async () => {
    expect(await bootstrapAdmin(store)).toEqual({ created: false });
  });

  it('sets up tenants, people and instances', async () => {
    await createTenant(store, admin, { slug: 'acme', name: 'Acme Analytics' });
    await createTenant(store, admin, { slug: 'globex', name: 'Globex' });
    engineer = actorOf(await createUser(store, admin, { name: 'Pete', role: 'provider-engineer' }));
    bea = actorOf(
      await createUser(store, admin, { name: 'Bea (User B)', role: 'customer-admin', tenant: 'acme' }),
    );
    globexAdmin = actorOf(
      await createUser(store, admin, { name: 'Gus', role: 'customer-admin', tenant: 'globex' }),
    );
    const test = await createInstance(store, engineer, { tenant: 'acme', name: 'acme-test', kind: 'test' });
    const prod = await createInstance(store, engineer, {
      tenant: 'acme',
      name: 'acme-prod',
      kind: 'production',
      testInstance: 'acme/acme-test',
    });
    expect(prod.testInstanceId).toBe(test.id);
    expect((await listInstances(store, bea)).map((i) => i.name)).toEqual(['acme-prod', 'acme-test']);
    expect((await listTenants(store, bea)).map((x) => x.slug)).toEqual(['acme']);
  });

  it('records and deploys revisions on all three layers; current = last deployed', async () => {
    const steps: [layer: 'infrastructure' | 'platform' | 'image', content: unknown][] = [
      ['infrastructure', { changes: { kubernetes: '1.29' }, description: 'initial' }],
      ['infrastructure', { changes: { kubernetes: '1.30' }, description: 'k8s upgrade' }],
      ['platform', { version: '3.3.0', components: { airflow: '2.10.5', python: '3.12' } }],
      ['platform', { version: '3.4.0', components: { airflow: '3.0.6', python: '3.12' } }],
      ['image', image('1.10.15', '1.10.3')],
      ['image', image('1.11.0', '1.11.0')],
    ];
    for (const [layer, content] of steps) {
      const revision = await recordRevision(store, engineer, {
        instance: 'acme-prod',
        layer,
        content,
        reason: 'walkthrough',
      });
      expect(revision.status).toBe('pending');
      await markRevisionDeployed(store, engineer, { instance: 'acme-prod', layer, number: revision.number });
    }
    const current = await getCurrentRevision(store, bea, { instance: 'acme-prod', layer: 'platform' });
    expect(current).toMatchObject({ number: 2, status: 'deployed', content: { version: '3.4.0' } });

    // A failed deployment does not move the current revision.
    const failed = await recordRevision(store, engineer, {
      instance: 'acme-prod',
      layer: 'platform',
      content: { version: '3.5.0', components: { airflow: '3.1.0' } },
      reason: 'try 3.5',
      expectedRevision: 2,
    });
    await markRevisionFailed(store, engineer, {
      instance: 'acme-prod',
      layer: 'platform',
      number: failed.number,
    });
    expect((await getCurrentRevision(store, bea, { instance: 'acme-prod', layer: 'platform' }))?.number).toBe(
      2,
    );
    await expect(
      markRevisionDeployed(store, engineer, {
        instance: 'acme-prod',
        layer: 'platform',
        number: failed.number,
      }),
    ).rejects.toThrow(/already failed/);
  });

  it('refuses to roll back infrastructure or platform, quoting the policy, and changes nothing', async () => {
    const infra = await expectNothingChanged(
      store,
      () => attemptRollback(store, bea, { instance: 'acme-prod', layer: 'infrastructure', toRevision: 1 }),
      PolicyError,
    );
    expect(infra.message).toContain('Once an infrastructure upgrade is applied, it cannot be undone.');
    expect(infra).toMatchObject({
      policy: 'infrastructure-final',
      remedy: expect.stringMatching(/new forward/),
    });

    const platform = await expectNothingChanged(
      store,
      () => attemptRollback(store, engineer, { instance: 'acme-prod', layer: 'platform', toRevision: 1 }),
      PolicyError,
    );
    expect(platform.message).toContain('These versions cannot be rolled back once upgraded.');
    expect(platform).toMatchObject({
      policy: 'platform-forward-fix',
      remedy: expect.stringMatching(/hotfix/),
    });

    const img = await expectNothingChanged(
      store,
      () => attemptRollback(store, bea, { instance: 'acme-prod', layer: 'image', toRevision: 1 }),
      PolicyError,
    );
    expect(img).toMatchObject({
      policy: 'image-rollback-by-request',
      remedy: expect.stringMatching(/rollback request/),
    });
  });

  it('refuses a platform downgrade or re-release, comparing versions numerically', async () => {
    for (const version of ['3.3.9', '3.4.0', '3.4.0-rc.1']) {
      const error = await expectNothingChanged(
        store,
        () =>
          recordRevision(store, engineer, {
            instance: 'acme-prod',
            layer: 'platform',
            content: { version, components: { airflow: '2.10.5' } },
            reason: 'downgrade',
          }),
        PolicyError,
      );
      expect(error).toMatchObject({ policy: 'platform-version-increases' });
    }
    // 3.10.0 > 3.4.0 numerically (a string comparison would refuse it); 3.5.0 failed, so it may be retried.
    const retried = await recordRevision(store, engineer, {
      instance: 'acme-prod',
      layer: 'platform',
      content: { version: '3.10.0', components: { airflow: '3.1.0' } },
      reason: 'forward',
    });
    expect(retried.number).toBe(4);
  });

  it('refuses image revisions that go back outside the rollback-request workflow', async () => {
    const restore = await expectNothingChanged(
      store,
      () =>
        recordRevision(store, engineer, {
          instance: 'acme-prod',
          layer: 'image',
          content: image('1.10.15', '1.10.3'),
          reason: 'go back',
        }),
      PolicyError,
    );
    expect(restore).toMatchObject({
      policy: 'image-rollback-outside-request',
      remedy: expect.stringMatching(/rollback request/),
    });
    expect(restore.message).toContain('restores the pins of revision 1');
    const downgrade = await expectNothingChanged(
      store,
      () =>
        recordRevision(store, engineer, {
          instance: 'acme-prod',
          layer: 'image',
          content: image('1.10.17', '1.11.0'),
          reason: 'older dbt',
        }),
      PolicyError,
    );
    expect(downgrade.message).toContain('dbt-core 1.11.0 -> 1.10.17');
    await expectNothingChanged(
      store,
      () =>
        recordRevision(store, engineer, {
          instance: 'acme-prod',
          layer: 'image',
          content: image('1.11.9', '1.11.1'),
          reason: 'x',
          rollbackOf: 1,
        }),
      PolicyError,
    );
  });

  it('refuses a stale expectedRevision with ConflictError', async () => {
    const error = await expectNothingChanged(
      store,
      () =>
        recordRevision(store, engineer, {
          instance: 'acme-prod',
          layer: 'infrastructure',
          content: { changes: { kubernetes: '1.31' }, description: 'next' },
          reason: 'upgrade',
          expectedRevision: 1,
        }),
      ConflictError,
    );
    expect(error.message).toMatch(/expected revision 1 .* but it is 2/);
  });

  it('refuses the wrong role with NotAllowedError naming who may', async () => {
    const error = await expectNothingChanged(
      store,
      () =>
        recordRevision(store, bea, {
          instance: 'acme-prod',
          layer: 'platform',
          content: { version: '9.0.0', components: {} },
          reason: 'customer tries',
        }),
      NotAllowedError,
    );
    expect(error.message).toContain('provider-admin, provider-engineer');
    await expectNothingChanged(
      store,
      () => createTenant(store, engineer, { slug: 'nope', name: 'Nope' }),
      NotAllowedError,
    );
    await expect(verifyAudit(store, bea)).rejects.toBeInstanceOf(NotAllowedError);
  });

  it('answers a foreign tenant with NotFoundError, exactly like a missing one', async () => {
    const foreign = await expectNothingChanged(
      store,
      () => getInstance(store, globexAdmin, 'acme/acme-prod'),
      NotFoundError,
    );
    const missing = await expectNothingChanged(
      store,
      () => getInstance(store, globexAdmin, 'acme/nothing'),
      NotFoundError,
    );
    expect(foreign.message.replace('acme-prod', 'X')).toBe(missing.message.replace('nothing', 'X'));
    const prod = await getInstance(store, bea, 'acme-prod');
    await expect(listRevisions(store, globexAdmin, { instance: prod.id })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(
      createUser(store, bea, { name: 'Spy', role: 'customer-member', tenant: 'globex' }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses bad input with InputError and changes nothing', async () => {
    const bad = [
      { instance: 'acme-prod', layer: 'platform', content: { version: 'v3', components: {} }, reason: 'x' },
      { instance: 'acme-prod', layer: 'image', content: image('not a version!', '1.11.1'), reason: 'x' },
      { instance: 'acme-prod', layer: 'kernel', content: {}, reason: 'x' },
      { instance: 'acme-prod', layer: 'infrastructure', content: { changes: {} }, reason: '' },
    ];
    for (const input of bad) {
      await expectNothingChanged(store, () => recordRevision(store, engineer, input as never), InputError);
    }
    await expectNothingChanged(
      store,
      () => createTenant(store, admin, { slug: 'Bad Slug!', name: 'x' }),
      InputError,
    );
  });

  it('verifies the audit chain, and names the tampered entry after a raw UPDATE', async () => {
    const ok = await verifyAudit(store, engineer);
    expect(ok).toMatchObject({ ok: true });
    const entries = await store.repos.audit.list({ limit: 1000 });
    expect(entries.map((e) => e.action)).toContain('revision.record');
    const victim = entries.find((e) => e.action === 'revision.deployed')!;
    await sql`update audit_log set actor_role = ${'provider-admin'} where seq = ${victim.seq}`.execute(
      store.db,
    );
    expect(await verifyAudit(store, admin)).toMatchObject({ ok: false, brokenAt: victim.seq });
  });
});

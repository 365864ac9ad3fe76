/**
 * Revisions recorded by hand (docs/decisions.md, "Revisions recorded directly"): on the platform and
 * infrastructure layers only the onboarding revision; later ones must come from their workflows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, openTestStore } from '../../test/support/engines.js';
import type { TestStore } from '../../test/support/engines.js';
import { PolicyError } from '../domain/errors/index.js';
import type { Actor } from '../domain/roles/index.js';
import { seedDemo } from './demo.js';
import { createInstance } from './instances.js';
import { markRevisionFailed, recordDirectRevision } from './revisions.js';

describe.each(engines)('direct revisions (%s)', (engine) => {
  let t: TestStore;
  let engineer: Actor;

  beforeAll(async () => {
    t = await openTestStore(engine);
    const seed = await seedDemo(t.store);
    const user = seed.users.providerEngineer.user;
    engineer = { userId: user.id, name: user.name, role: user.role, tenantId: user.tenantId };
  });
  afterAll(() => t.destroy());

  async function refusal(fn: () => Promise<unknown>): Promise<PolicyError> {
    const audit = await t.store.repos.audit.count();
    const revisions = await t.store.repos.revisions.count();
    const error = await fn().then(
      () => new Error('expected a refusal'),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PolicyError);
    expect([await t.store.repos.audit.count(), await t.store.repos.revisions.count()]).toEqual([
      audit,
      revisions,
    ]);
    return error as PolicyError;
  }

  it('onboards a new instance, then sends later platform and infrastructure changes to their workflows', async () => {
    const { store } = t;
    await createInstance(store, engineer, { tenant: 'acme', name: 'acme-sandbox', kind: 'test' });
    const instance = 'acme/acme-sandbox';
    const platform = (version: string) => ({ version, components: { airflow: '3.0.6' } });
    const infrastructure = (kubernetes: string) => ({ changes: { kubernetes }, description: 'cluster' });

    const first = await recordDirectRevision(store, engineer, {
      instance,
      layer: 'platform',
      content: platform('3.4.0'),
      reason: 'what it runs today',
    });
    expect(first.number).toBe(1);
    const later = await refusal(() =>
      recordDirectRevision(store, engineer, {
        instance,
        layer: 'platform',
        content: platform('3.5.0'),
        reason: 'skip the release',
      }),
    );
    expect(later).toMatchObject({ policy: 'platform-via-release', extra: { latestRevision: 1 } });
    expect(later.remedy).toMatch(/ratchet platform rollout/);
    // A downgrade is told it is a downgrade, not merely pointed at the workflow.
    const downgrade = await refusal(() =>
      recordDirectRevision(store, engineer, {
        instance,
        layer: 'platform',
        content: platform('3.3.0'),
        reason: 'go back',
      }),
    );
    expect(downgrade.policy).toBe('platform-version-increases');

    // An onboarding revision that failed never ran: it may be recorded again.
    const onboarding = await recordDirectRevision(store, engineer, {
      instance,
      layer: 'infrastructure',
      content: infrastructure('1.30'),
      reason: 'what it runs today',
    });
    await markRevisionFailed(store, engineer, {
      instance,
      layer: 'infrastructure',
      number: onboarding.number,
    });
    const again = await recordDirectRevision(store, engineer, {
      instance,
      layer: 'infrastructure',
      content: infrastructure('1.30'),
      reason: 'recorded again',
    });
    expect(again.number).toBe(2);
    const skipped = await refusal(() =>
      recordDirectRevision(store, engineer, {
        instance,
        layer: 'infrastructure',
        content: infrastructure('1.31'),
        reason: 'no sign-offs',
      }),
    );
    expect(skipped).toMatchObject({ policy: 'infrastructure-tested-by-both' });
    expect(skipped.remedy).toMatch(/ratchet infra signoff/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, openTestStore } from '../../../test/support/engines.js';
import type { TestStore } from '../../../test/support/engines.js';
import { InputError } from '../../domain/errors/index.js';
import type { Actor } from '../../domain/roles/index.js';
import type { DemoSeed } from '../types.js';
import { seedDemo } from '../demo.js';
import {
  countRunEvents,
  declareConstraints,
  getConstraints,
  getOwnership,
  impactForChange,
  ingestRunEvents,
} from './index.js';
import { scenarioEvents } from './scenario.js';

function actorOf(user: DemoSeed['users']['bea']['user']): Actor {
  return { userId: user.id, name: user.name, role: user.role, tenantId: user.tenantId };
}

// OpenLineage 2-0-2 run ids are UUIDs; one per engine, so the engines' stores never share one.
const RUN_SQLITE = '0193a000-0000-7000-8000-000000000001';
const RUN_POSTGRES = '0193a000-0000-7000-8000-000000000002';

describe.each(engines)('run evidence store (%s)', (engine) => {
  let t: TestStore;
  let seed: DemoSeed;
  let ingestor: Actor;
  const rollback = [{ name: 'dbt-core', from: '1.11.0', to: '==1.10.*' }];

  beforeAll(async () => {
    t = await openTestStore(engine);
    seed = await seedDemo(t.store);
    ingestor = {
      userId: 'usr_emitter',
      name: 'emitter',
      role: 'lineage-ingest',
      tenantId: seed.tenants.acme.id,
    };
  }, 60_000);
  afterAll(() => t.destroy());

  it('holds the demo scenario and classifies it the same on this engine', async () => {
    expect(await countRunEvents(t.store.db, { instanceId: seed.instances.acmeProd.id })).toBe(
      scenarioEvents().length,
    );
    const report = await impactForChange(t.store, actorOf(seed.users.bea.user), {
      instanceId: seed.instances.acmeProd.id,
      packages: rollback,
    });
    const verdicts = Object.fromEntries(report!.pipelines.map((p) => [p.pipeline, p.verdict]));
    expect(verdicts).toEqual({
      finance_daily: 'breaks',
      marketing_attribution: 'fixes',
      sales_rollup: 'unaffected',
      ops_health: 'unaffected',
      forecast_weekly: 'unknown',
    });
  });

  it('answers null for an instance without any evidence', async () => {
    const admin = actorOf(seed.users.providerAdmin.user);
    expect(
      await impactForChange(t.store, admin, { instanceId: seed.instances.acmeTest.id, packages: rollback }),
    ).toBeNull();
  });

  it('stores an event once, and a batch with one bad event not at all', async () => {
    const base = {
      eventType: 'COMPLETE',
      eventTime: '2025-11-03T09:00:00+01:00',
      producer: 'https://github.com/OpenLineage/OpenLineage/tree/1.34.0/integration/dbt',
      run: { runId: engine === 'sqlite' ? RUN_SQLITE : RUN_POSTGRES },
      job: { namespace: 'acme-test-dbt', name: 'dbt-run-finance' },
    };
    const before = await countRunEvents(t.store.db);
    expect(await ingestRunEvents(t.store, ingestor, { body: JSON.stringify(base) })).toMatchObject({
      stored: 1,
      duplicates: 0,
    });
    // The same instant written with another offset is the same event.
    const sameInstant = { ...base, eventTime: '2025-11-03T08:00:00Z' };
    expect(await ingestRunEvents(t.store, ingestor, { body: JSON.stringify(sameInstant) })).toMatchObject({
      stored: 0,
      duplicates: 1,
    });
    const batch = [
      { ...base, run: { runId: '0193a000-0000-7000-8000-00000000f4e5' } },
      { ...base, job: { namespace: 'unmapped', name: 'x' } },
    ];
    await expect(ingestRunEvents(t.store, ingestor, { body: JSON.stringify(batch) })).rejects.toThrow(
      InputError,
    );
    expect(await countRunEvents(t.store.db)).toBe(before + 1);
  });

  it('keeps ownership rules in order and replaces a project constraints whole', async () => {
    const bea = actorOf(seed.users.bea.user);
    expect((await getOwnership(t.store, bea, 'acme')).rules.map((r) => r.pattern)).toEqual([
      'finance_*',
      'marketing_*',
      'ops_*',
    ]);
    await declareConstraints(t.store, bea, {
      tenant: 'acme',
      project: 'finance',
      constraints: { 'dbt-core': '>=1.11' },
    });
    await declareConstraints(t.store, bea, {
      tenant: 'acme',
      dbtProjectYml: 'name: finance\nrequire-dbt-version: ">=1.11.0,<1.12.0"\n',
    });
    expect((await getConstraints(t.store, bea, 'acme')).constraints).toEqual([
      { project: 'finance', package: 'dbt-core', specifier: '>=1.11.0,<1.12.0' },
    ]);
    const report = await impactForChange(t.store, bea, {
      instanceId: seed.instances.acmeProd.id,
      packages: rollback,
    });
    expect(report!.pipelines.find((p) => p.pipeline === 'finance_daily')).toMatchObject({
      verdict: 'breaks',
      basis: 'constraint',
    });
  });
});

/**
 * The upgrade workflow on every engine, step by step: "Test before promoting to production" (the
 * test instance first, the customer's sign-off, then promotion), a production instance without a
 * test instance (only the provider admin's audited override), a report with blockers (never
 * approvable), and rejection. Every refusal changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, openTestStore } from '../../../test/support/engines.js';
import type { TestStore } from '../../../test/support/engines.js';
import type { ImageContent } from '../../domain/revisions/index.js';
import type { Actor } from '../../domain/roles/index.js';
import type { User } from '../../domain/users/index.js';
import type { Store } from '../../store/index.js';
import { seedDemo } from '../demo.js';
import { ingestRunEvents } from '../evidence/index.js';
import { stableRunId } from '../evidence/scenario.js';
import { markRevisionDeployed, recordRevision } from '../revisions.js';
import type { DemoSeed } from '../types.js';
import {
  approveUpgrade,
  confirmImageDeployment,
  imageWorkflowRepository,
  promoteUpgrade,
  rejectUpgrade,
  requestUpgrade,
  setImageSource,
  signOffUpgrade,
  writeDemoWheels,
} from './index.js';

function actorOf(user: User): Actor {
  return { userId: user.id, name: user.name, role: user.role, tenantId: user.tenantId };
}

async function counts(store: Store): Promise<Record<string, number>> {
  return {
    audit: await store.repos.audit.count(),
    revisions: await store.repos.revisions.count(),
    image: await imageWorkflowRepository(store.repos).countRows(),
  };
}

/** `fn` is refused with `kind` (and `message`), and no table changed. */
async function refused(
  store: Store,
  fn: () => Promise<unknown>,
  kind: string,
  message: RegExp,
): Promise<void> {
  const before = await counts(store);
  const error = (await fn().then(
    () => new Error('expected a refusal'),
    (e: unknown) => e,
  )) as Error & { kind?: string };
  expect(error.kind, error.message).toBe(kind);
  expect(error.message).toMatch(message);
  expect(await counts(store)).toEqual(before);
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** The demo's acme ingestion identity (what an ingestion token of acme authenticates as). */
function ingestorOf(seed: DemoSeed): Actor {
  return {
    userId: 'system:test',
    name: 'Test emitter',
    role: 'lineage-ingest',
    tenantId: seed.tenants.acme.id,
  };
}

/** One Airflow DAG run on acme-test as the OpenLineage provider sends it: START, then its outcome. */
function runEvents(
  dag: string,
  owner: string,
  imageRevision: number,
  at: number,
  outcome: 'COMPLETE' | 'FAIL',
): Record<string, unknown>[] {
  // OpenLineage 2-0-2 run ids are UUIDs: derived from the run's identity, as Airflow's are.
  const runId = stableRunId(`${dag}-${String(imageRevision)}-${String(at)}`);
  const event = (eventType: string, time: number) => ({
    eventType,
    eventTime: new Date(time).toISOString(),
    producer: 'https://github.com/apache/airflow/tree/providers-openlineage/2.3.0',
    schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
    run: {
      runId,
      facets: { airflow: { dag: { dag_id: dag, owner } }, ratchet: { imageRevision } },
    },
    job: {
      namespace: 'acme-test-airflow',
      name: dag,
      facets: { sourceCodeLocation: { type: 'git', url: 'https://git.example/acme.git', version: 'c1' } },
    },
    inputs: [],
    outputs: [],
  });
  return [event('START', at), event(outcome, at + 60_000)];
}

async function dbtCoreOn(store: Store, instanceId: string): Promise<string | undefined> {
  const current = await store.repos.revisions.current(instanceId, 'image');
  return (current?.content as ImageContent | undefined)?.packages.find((p) => p.name === 'dbt-core')?.version;
}

describe.each(engines)('image upgrade workflow (%s)', (engine) => {
  let t: TestStore;
  let seed: DemoSeed;
  let bea: Actor;
  let pete: Actor;
  let admin: Actor;
  let globex: Actor;
  let demoImage: ImageContent;

  beforeAll(async () => {
    t = await openTestStore(engine);
    seed = await seedDemo(t.store);
    bea = actorOf(seed.users.bea.user);
    pete = actorOf(seed.users.providerEngineer.user);
    admin = actorOf(seed.users.providerAdmin.user);
    globex = actorOf(seed.users.globexAdmin.user);
    demoImage = (await t.store.repos.revisions.current(seed.instances.acmeProd.id, 'image'))!
      .content as ImageContent;
  });
  afterAll(() => t.destroy());

  it('goes to the test instance first, waits for the sign-off, then reaches production', async () => {
    const { store } = t;
    const { acmeProd, acmeTest } = seed.instances;
    const prodBefore = await dbtCoreOn(store, acmeProd.id);
    const upgrade = await requestUpgrade(store, bea, {
      instance: 'acme/acme-prod',
      requirements: ['dbt-core>=1.11.1'],
      reason: 'The 1.11.1 fix for our snapshots',
    });
    expect(upgrade.state).toBe('requested');
    expect(upgrade.report.blockers).toEqual([]);
    expect(upgrade.report.review.changes).toContainEqual(
      expect.objectContaining({ name: 'dbt-core', to: '1.11.1', requested: true }),
    );
    // The customer may not approve their own request.
    await refused(
      store,
      () => approveUpgrade(store, bea, { id: upgrade.id, reason: 'self-approval' }),
      'not-allowed',
      /customer-admin/,
    );

    const onTest = await approveUpgrade(store, pete, { id: upgrade.id, reason: 'Plan reviewed' });
    expect(onTest.state).toBe('deploying');
    expect(onTest.stages.map((s) => [s.instanceName, s.purpose, s.status])).toEqual([
      ['acme-test', 'test', 'pending'],
    ]);
    // Nothing reaches production before the test instance ran it and the customer signed off.
    await refused(
      store,
      () => promoteUpgrade(store, pete, { id: upgrade.id }),
      'conflict',
      new RegExp(`Upgrade request ${upgrade.id}`),
    );
    const tested = await confirmImageDeployment(store, pete, { instance: 'acme/acme-test' });
    expect(tested.state).toBe('on-test');
    expect(await dbtCoreOn(store, acmeTest.id)).toBe('1.11.1');
    expect(await dbtCoreOn(store, acmeProd.id)).toBe(prodBefore);
    await refused(store, () => promoteUpgrade(store, pete, { id: upgrade.id }), 'conflict', /sign/i);

    // Run evidence on acme-test: finance_daily passed before the upgrade and fails on it (same
    // code); marketing_daily passes on both. The sign-off must name what the upgrade broke.
    const upgraded = tested.stages[0]!.revision!;
    const previous = (await store.repos.revisions.list(acmeTest.id, 'image'))
      .filter((r) => r.status === 'deployed' && r.number < upgraded)
      .at(-1)!.number;
    const now = store.now().getTime();
    await ingestRunEvents(store, ingestorOf(seed), {
      contentType: 'application/x-ndjson',
      body: [
        runEvents('finance_daily', 'ana', previous, now - 2 * DAY_MS, 'COMPLETE'),
        runEvents('finance_daily', 'ana', upgraded, now - HOUR_MS, 'FAIL'),
        runEvents('marketing_daily', 'bea', previous, now - 2 * DAY_MS, 'COMPLETE'),
        runEvents('marketing_daily', 'bea', upgraded, now - HOUR_MS, 'COMPLETE'),
      ]
        .flat()
        .map((event) => JSON.stringify(event))
        .join('\n'),
    });
    await refused(
      store,
      () => signOffUpgrade(store, bea, { id: upgrade.id }),
      'policy',
      /succeeded before and fail on the test instance: finance_daily\.$/,
    );
    const signed = await signOffUpgrade(store, bea, {
      id: upgrade.id,
      note: 'Nightly run green on test',
      acknowledge: ['finance_daily'],
    });
    expect(signed.state).toBe('signed-off');
    expect(signed.notes.at(-1)).toMatchObject({ step: 'signoff', text: 'Nightly run green on test' });

    const promoted = await promoteUpgrade(store, pete, { id: upgrade.id });
    expect(promoted.stages.map((s) => [s.instanceName, s.purpose, s.status])).toEqual([
      ['acme-test', 'test', 'deployed'],
      ['acme-prod', 'production', 'pending'],
    ]);
    const done = await confirmImageDeployment(store, pete, { instance: 'acme/acme-prod' });
    expect(done.state).toBe('completed');
    expect(await dbtCoreOn(store, acmeProd.id)).toBe('1.11.1');
    expect(await store.verifyAuditChain()).toMatchObject({ ok: true });
  });

  it('production without a test instance moves only on the provider admin override', async () => {
    const { store } = t;
    // globex-prod is production with no test instance; give it acme's image and package source.
    const instance = seed.instances.globexProd.id;
    const first = await recordRevision(store, pete, {
      instance,
      layer: 'image',
      content: demoImage,
      reason: 'Initial image: dbt 1.11',
    });
    await markRevisionDeployed(store, pete, { instance, layer: 'image', number: first.number });
    await setImageSource(store, pete, { instance, source: writeDemoWheels() });
    const upgrade = await requestUpgrade(store, globex, {
      instance: 'globex/globex-prod',
      requirements: ['dbt-core>=1.11.1'],
      reason: 'Keep up with acme',
    });
    const approved = await approveUpgrade(store, pete, { id: upgrade.id, reason: 'Plan reviewed' });
    expect(approved.state).toBe('approved');
    expect(approved.stages).toEqual([]);
    // A provider engineer cannot take the override; the admin can, and it is audited.
    await refused(
      store,
      () => promoteUpgrade(store, pete, { id: upgrade.id, overrideNoTestInstance: true, reason: 'urgent' }),
      'not-allowed',
      /provider-engineer/,
    );
    const auditBefore = await store.repos.audit.count();
    const overridden = await promoteUpgrade(store, admin, {
      id: upgrade.id,
      overrideNoTestInstance: true,
      reason: 'Customer accepts the risk in writing (ticket 4711)',
    });
    expect(overridden.stages.map((s) => [s.instanceName, s.status])).toEqual([['globex-prod', 'pending']]);
    expect(await store.repos.audit.count()).toBeGreaterThan(auditBefore);
    const done = await confirmImageDeployment(store, pete, { instance: 'globex/globex-prod' });
    expect(done.state).toBe('completed');
  });

  it('a report with blockers is never approved, and a rejected upgrade takes no further step', async () => {
    const { store } = t;
    // 3.18.0 is the only 3.x above 3.17 and needs Python 3.13; the images run 3.12.
    const blocked = await requestUpgrade(store, bea, {
      instance: 'acme/acme-prod',
      requirements: ['snowflake-connector-python>=3.18,<4'],
      reason: 'Try the newest 3.x connector',
    });
    expect(blocked.report.blockers.join(' ')).toMatch(/snowflake-connector-python/);
    await refused(
      store,
      () => approveUpgrade(store, pete, { id: blocked.id, reason: 'looks fine' }),
      'policy',
      new RegExp(`Upgrade request ${blocked.id} cannot be approved`),
    );
    const rejected = await rejectUpgrade(store, pete, { id: blocked.id, reason: 'Needs Python 3.13 first' });
    expect(rejected.state).toBe('rejected');
    await refused(
      store,
      () => approveUpgrade(store, pete, { id: blocked.id, reason: 'changed my mind' }),
      'conflict',
      /rejected/,
    );
  });
});

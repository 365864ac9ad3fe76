/**
 * The policy's scenario end to end (issue 4, "Done means"), on every engine: Package X (dbt-core)
 * was upgraded together with dbt-snowflake (shared dependency); User B asks to roll back only
 * dbt-core; the review shows the conflict and the minimal co-rollback; the provider approves; the
 * customer accepts (bound to the report hash); the deployer runs; the customer confirms; the
 * rollback pin blocks a re-upgrade until it expires. Every refusal leaves no trace.
 */
import { readableTime } from '../../domain/time/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, openTestStore } from '../../../test/support/engines.js';
import type { TestStore } from '../../../test/support/engines.js';
import type { Actor } from '../../domain/roles/index.js';
import type { ImageContent } from '../../domain/revisions/index.js';
import type { User } from '../../domain/users/index.js';
import { buildFindLinksFromUniverse, buildWheel } from '../../index/wheel-builder/index.js';
import type { Store } from '../../store/index.js';
import { seedDemo } from '../demo.js';
import type { DemoSeed } from '../types.js';
import {
  acceptRollback,
  approveRollback,
  approveUpgrade,
  promoteUpgrade,
  confirmImageDeployment,
  confirmRollback,
  DEMO_UNIVERSE,
  exportImage,
  failImageDeployment,
  imageWorkflowRepository,
  listForwardFixFollowUps,
  refreshRollback,
  rejectRollback,
  rejectUpgrade,
  requestRollback,
  requestUpgrade,
  retryImageDeployment,
  setImageSource,
  showImage,
  signOffUpgrade,
} from './index.js';

const DAY = 24 * 60 * 60 * 1000;

function actorOf(user: User): Actor {
  return { userId: user.id, name: user.name, role: user.role, tenantId: user.tenantId };
}

async function snapshot(store: Store): Promise<Record<string, number>> {
  const outbox = await store.db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return {
    audit: await store.repos.audit.count(),
    revisions: await store.repos.revisions.count(),
    image: await imageWorkflowRepository(store.repos).countRows(),
    outbox: Number(outbox.n),
  };
}

/** Asserts `fn` is refused with `kind` and changes nothing (state, audit, outbox). */
async function refusedWithoutTrace(
  store: Store,
  fn: () => Promise<unknown>,
  kind: string,
  message?: RegExp,
): Promise<Error & { kind: string; extra: Record<string, unknown> }> {
  const before = await snapshot(store);
  const error = (await fn().then(
    () => new Error('expected a refusal'),
    (e: unknown) => e,
  )) as Error & { kind: string; extra: Record<string, unknown> };
  expect(error.kind, error.message).toBe(kind);
  if (message) expect(error.message).toMatch(message);
  expect(await snapshot(store)).toEqual(before);
  return error;
}

describe.each(engines)('image rollback request: the policy scenario (%s)', (engine) => {
  let t: TestStore;
  let seed: DemoSeed;
  let clock = Date.parse('2025-06-02T09:00:00.000Z');
  let bea: Actor;
  let ana: Actor;
  let pete: Actor;
  let globex: Actor;
  const dirs: string[] = [];

  beforeAll(async () => {
    t = await openTestStore(engine, { now: () => new Date(clock) });
    seed = await seedDemo(t.store);
    bea = actorOf(seed.users.bea.user);
    ana = actorOf(seed.users.ana.user);
    pete = actorOf(seed.users.providerEngineer.user);
    globex = actorOf(seed.users.globexAdmin.user);
  });
  afterAll(async () => {
    await t.destroy();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('plays the whole scenario', async () => {
    const { store } = t;
    const outboxBefore = (await snapshot(store)).outbox;

    // 1-2. User B asks to roll back only dbt-core; Ratchet answers with the forward-fix recommendation first.
    const request = await requestRollback(store, bea, {
      instance: 'acme-prod',
      package: 'dbt-core',
      target: '==1.10.*',
      reason: 'Our incremental models broke on 1.11',
    });
    expect(request.state).toBe('requested');
    expect(request.report.recommendation).toMatch(/forward fix/);
    // The demo holds run evidence: the answer names the users who should fix forward (bea, whose
    // pipeline the rollback would fix), not ana (whom it would break).
    expect(request.report.impact).not.toBeNull();
    const forwardFixers = request.report
      .impact!.affectedUsers.filter((u) => u.shouldForwardFix)
      .map((u) => u.user);
    expect(forwardFixers).toEqual(['bea']);
    expect(request.report.recommendation).toMatch(/should be fixed forward instead: bea\.$/);
    expect(request.report.availability[0]).toMatchObject({ package: 'dbt-core', available: true });
    // The review shows the conflict of moving dbt-core alone, and the minimal co-rollback.
    expect(request.report.review.conflictsIfAlone).toContainEqual(
      expect.objectContaining({ package: 'dbt-snowflake', version: '1.11.0', found: '1.10.15' }),
    );
    const moves = Object.fromEntries(
      request.report.review.changes.map((c) => [c.name, [c.from, c.to, c.requested]]),
    );
    expect(moves).toEqual({
      'dbt-core': ['1.11.0', '1.10.15', true],
      'dbt-snowflake': ['1.11.0', '1.10.3', false],
      'snowflake-connector-python': ['4.0.0', '3.17.2', false],
    });
    expect(request.report.blockers).toEqual([]);
    expect(request.reportHash).toMatch(/^[0-9a-f]{64}$/);
    expect((await snapshot(store)).outbox!).toBeGreaterThan(outboxBefore!);

    // Wrong role, foreign tenant, concurrent request, out-of-order steps: refused, no trace.
    await refusedWithoutTrace(
      store,
      () =>
        requestRollback(store, ana, {
          instance: 'acme-prod',
          package: 'dbt-core',
          target: '1.10.15',
          reason: 'x',
        }),
      'not-allowed',
      /customer-admin/,
    );
    await refusedWithoutTrace(
      store,
      () => approveRollback(store, globex, { id: request.id, reason: 'x' }),
      'not-allowed',
    );
    await refusedWithoutTrace(
      store,
      () => acceptRollback(store, globex, { id: request.id, reportHash: request.reportHash }),
      'not-found',
    );
    const concurrent = await refusedWithoutTrace(
      store,
      () =>
        requestRollback(store, bea, {
          instance: 'acme-prod',
          package: 'dbt-snowflake',
          target: '1.10.3',
          reason: 'again',
        }),
      'conflict',
      new RegExp(request.id),
    );
    expect(concurrent.extra.inFlight).toBe(request.id);
    // The test instance is where this rollback deploys first: it is busy too.
    const early = await refusedWithoutTrace(
      store,
      () => acceptRollback(store, bea, { id: request.id, reportHash: request.reportHash }),
      'conflict',
      /provider-engineer/,
    );
    expect(early.extra.nextRoles).toEqual(['provider-engineer']);
    await refusedWithoutTrace(
      store,
      () => approveRollback(store, bea, { id: request.id, reason: 'self-approve' }),
      'not-allowed',
      /provider-engineer/,
    );
    await refusedWithoutTrace(store, () => confirmRollback(store, bea, { id: request.id }), 'conflict');
    await refusedWithoutTrace(
      store,
      () =>
        requestRollback(store, bea, {
          instance: 'acme-prod',
          package: 'dbt-core',
          target: '==banana',
          reason: 'x',
        }),
      'input',
    );

    // 3. The provider engineer validates and approves.
    const approved = await approveRollback(store, pete, {
      id: request.id,
      reason: 'Co-rollback of the adapter reviewed',
    });
    expect(approved.state).toBe('approved');

    // The index changes (a 1.10.16 appears): refreshing regenerates the report with a new hash.
    const mirror = mkdtempSync(join(tmpdir(), 'ratchet-mirror-'));
    dirs.push(mirror);
    buildFindLinksFromUniverse(mirror, DEMO_UNIVERSE);
    buildWheel(mirror, {
      name: 'dbt-core',
      version: '1.10.16',
      requiresDist: ['dbt-adapters>=1.15.2,<2.0', 'dbt-common>=1.27.0,<2.0'],
    });
    await setImageSource(store, pete, { instance: 'acme-prod', source: pathToFileURL(mirror).href });
    const refreshed = await refreshRollback(store, bea, { id: request.id });
    expect(refreshed.reportHash).not.toBe(request.reportHash);
    expect(refreshed.state).toBe('approved');

    // 4. Stale acceptance (the hash Bea saw first) is refused; acceptance of the current report works.
    await refusedWithoutTrace(
      store,
      () => acceptRollback(store, bea, { id: request.id, reportHash: request.reportHash }),
      'conflict',
      /renewed/,
    );
    const accepted = await acceptRollback(store, bea, { id: request.id, reportHash: refreshed.reportHash });
    expect(accepted.state).toBe('deploying');
    // 5. The test instance goes first.
    expect(accepted.stages.map((s) => [s.instanceName, s.status])).toEqual([
      ['acme-test', 'pending'],
      ['acme-prod', 'waiting'],
    ]);
    await refusedWithoutTrace(
      store,
      () => confirmImageDeployment(store, bea, { instance: 'acme-test' }),
      'not-allowed',
    );

    const onTest = await confirmImageDeployment(store, pete, { instance: 'acme-test' });
    expect(onTest.stages.map((s) => s.status)).toEqual(['deployed', 'pending']);
    // A failed deployment leaves production on its previous revision, marked failed, retryable.
    const failed = await failImageDeployment(store, pete, {
      instance: 'acme-prod',
      error: 'pod crash-looped',
    });
    expect(failed.state).toBe('deploy-failed');
    const prodId = seed.instances.acmeProd.id;
    expect((await store.repos.revisions.current(prodId, 'image'))?.number).toBe(2);
    expect((await store.repos.revisions.get(prodId, 'image', 3))?.status).toBe('failed');
    await retryImageDeployment(store, pete, { instance: 'acme-prod' });
    const deployed = await confirmImageDeployment(store, pete, { instance: 'acme-prod' });
    expect(deployed.state).toBe('deployed');
    const current = (await store.repos.revisions.current(prodId, 'image'))!;
    expect(current.number).toBe(4);
    expect(current.rollbackOf).not.toBeNull();
    const pins = Object.fromEntries(
      (current.content as ImageContent).packages.map((p) => [p.name, p.version]),
    );
    expect(pins).toMatchObject({
      'dbt-core': '1.10.16',
      'dbt-snowflake': '1.10.3',
      'snowflake-connector-python': '3.17.2',
    });
    const requirements = await exportImage(store, bea, { instance: 'acme-prod', format: 'requirements.txt' });
    // Every pin of a revision the workflow made carries its wheel's sha256: pip's hash-checking mode.
    expect(requirements.text).toMatch(/^dbt-core==1\.10\.16 \\\n {4}--hash=sha256:[0-9a-f]{64}$/m);
    expect(requirements.unhashed).toEqual([]);

    // 6. The customer validates and confirms; the rollback pin and a forward-fix follow-up appear.
    const resolved = await confirmRollback(store, bea, {
      id: request.id,
      note: 'Incremental models run again',
    });
    expect(resolved.state).toBe('resolved');
    const overview = await showImage(store, ana, 'acme-prod');
    expect(overview.activePins).toEqual([
      expect.objectContaining({
        package: 'dbt-core',
        pinnedVersion: '1.10.16',
        expiresAt: new Date(clock + 14 * DAY).toISOString(),
      }),
    ]);
    expect(overview.openFollowUps).toHaveLength(1);

    // The pin blocks a re-upgrade of dbt-core (409 naming the pin and its expiry) ...
    await refusedWithoutTrace(
      store,
      () =>
        requestUpgrade(store, bea, {
          instance: 'acme-prod',
          requirements: ['dbt-core>=1.11'],
          reason: 'try again',
        }),
      'conflict',
      // Issue 17: who asked for the rollback by name, and the expiry as people read it.
      new RegExp(
        `dbt-core.*requested by ${bea.name.replace(/[()]/g, '\\$&')}.*until ${readableTime(new Date(clock + 14 * DAY).toISOString())}`,
      ),
    );
    // ... until it expires.
    clock += 15 * DAY;
    const upgrade = await requestUpgrade(store, bea, {
      instance: 'acme-prod',
      requirements: ['dbt-core>=1.11.1'],
      reason: 'Forward fix landed',
    });
    expect(upgrade.state).toBe('requested');
    expect(upgrade.report.review.changes.map((c) => c.name)).toContain('dbt-snowflake');
    expect(
      (await listForwardFixFollowUps(store, bea, 'acme-prod')).filter((f) => f.status === 'open'),
    ).toHaveLength(1);
    // A resolved rollback is final: rejecting it now is out of order.
    await refusedWithoutTrace(
      store,
      () => rejectRollback(store, pete, { id: request.id, reason: 'late' }),
      'conflict',
      /resolved/,
    );

    // The production upgrade will deploy to acme-test first. Until it is approved acme-test is free,
    // so it may take a request of its own; then the upgrade may not deploy over it.
    await setImageSource(store, pete, { instance: 'acme-test', source: pathToFileURL(mirror).href });
    const testOwnUpgrade = await requestUpgrade(store, bea, {
      instance: 'acme-test',
      requirements: ['dbt-core>=1.11.1'],
      reason: 'Try the fix on test alone',
    });
    const blocked = await refusedWithoutTrace(
      store,
      () => approveUpgrade(store, pete, { id: upgrade.id, reason: 'reviewed' }),
      'conflict',
      new RegExp(`acme-test already has an image change in flight: upgrade request ${testOwnUpgrade.id}`),
    );
    expect(blocked.extra.inFlight).toBe(testOwnUpgrade.id);
    await rejectUpgrade(store, pete, {
      id: testOwnUpgrade.id,
      reason: 'One change at a time: the production upgrade tests it',
    });
    const upgradeApproved = await approveUpgrade(store, pete, { id: upgrade.id, reason: 'reviewed' });
    expect(upgradeApproved.stages.map((s) => [s.instanceName, s.status])).toEqual([['acme-test', 'pending']]);

    // The forward fix reaches production: the follow-up the rollback opened closes "when the
    // package moves forward again", and only then.
    await confirmImageDeployment(store, pete, { instance: 'acme-test' });
    expect(
      (await listForwardFixFollowUps(store, bea, 'acme-prod')).filter((f) => f.status === 'open'),
    ).toHaveLength(1);
    await signOffUpgrade(store, bea, { id: upgrade.id, note: 'Fixed forward on test' });
    await promoteUpgrade(store, pete, { id: upgrade.id });
    const completed = await confirmImageDeployment(store, pete, { instance: 'acme-prod' });
    expect(completed.state).toBe('completed');
    const followUps = await listForwardFixFollowUps(store, bea, 'acme-prod');
    expect(followUps.map((f) => [f.package, f.status])).toEqual([['dbt-core', 'closed']]);
    expect(followUps[0]!.closedAt).not.toBeNull();

    expect(await store.verifyAuditChain()).toMatchObject({ ok: true });
  });
});

/**
 * Issue 17 item 6: the demo's data agrees with itself. Seeded with a clock (as `ratchet demo` and
 * the test server seed it), every revision carries its deployment time in the story, weeks before
 * the seed, in the order test-then-production; releases are published before an instance runs
 * them; and every stored run names the image revision that was in force (deployed) when it ran.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, openTestStore } from '../../test/support/engines.js';
import type { TestStore } from '../../test/support/engines.js';
import type { Revision } from '../domain/revisions/index.js';
import { listReleases } from './platform/index.js';
import type { DemoSeed } from './index.js';
import { createDemoClock, seedDemo } from './index.js';

const DAY = 86_400_000;

/** The revision deployed last at or before `time`: the one in force then. */
function inForce(revisions: readonly Revision[], time: string): number | null {
  let found: Revision | null = null;
  for (const revision of revisions) {
    if (revision.status !== 'deployed' || revision.statusChangedAt === null) continue;
    if (
      revision.statusChangedAt <= time &&
      (found === null || revision.statusChangedAt >= found.statusChangedAt!)
    )
      found = revision;
  }
  return found?.number ?? null;
}

describe.each(engines)('the demo history (%s)', (engine) => {
  let t: TestStore;
  let seed: DemoSeed;
  let seededAt: number;

  beforeAll(async () => {
    const clock = createDemoClock();
    t = await openTestStore(engine, { now: clock.now });
    seededAt = Date.now();
    seed = await seedDemo(t.store, { clock });
  }, 60_000);
  afterAll(() => t.destroy());

  it('deploys revision 1 about 30 days ago and the dbt 1.11 upgrade days ago, not at the seeding time', async () => {
    const images = await t.store.repos.revisions.list(seed.instances.acmeProd.id, 'image');
    expect(images.map((r) => [r.number, r.status])).toEqual([
      [1, 'deployed'],
      [2, 'deployed'],
    ]);
    const ageInDays = (r: Revision): number => (seededAt - Date.parse(r.statusChangedAt!)) / DAY;
    expect(ageInDays(images[0]!)).toBeGreaterThan(29);
    expect(ageInDays(images[0]!)).toBeLessThan(31);
    expect(ageInDays(images[1]!)).toBeGreaterThan(9);
    expect(ageInDays(images[1]!)).toBeLessThan(12);
    // Recorded before it was deployed, and the test instance got each image a day earlier.
    for (const r of images) expect(r.createdAt < r.statusChangedAt!).toBe(true);
    const test = await t.store.repos.revisions.list(seed.instances.acmeTest.id, 'image');
    expect(test[1]!.statusChangedAt! < images[1]!.statusChangedAt!).toBe(true);
  });

  it('attributes every stored run to the image revision in force when it ran', async () => {
    const images = await t.store.repos.revisions.list(seed.instances.acmeProd.id, 'image');
    const runs = await t.store.repos.evidence.runEvidenceSince(
      seed.instances.acmeProd.id,
      new Date(0).toISOString(),
    );
    const attributed = runs.filter((run) => run.imageRevision !== null);
    expect(attributed.length).toBeGreaterThan(100);
    const wrong = attributed
      .map((run) => ({
        at: run.eventTime,
        evidence: run.imageRevision,
        inForce: inForce(images, run.eventTime),
      }))
      .filter((run) => run.evidence !== run.inForce);
    expect(wrong).toEqual([]);
    // Both revisions have runs: the failures begin after the upgrade, not before the first deployment.
    expect(new Set(attributed.map((run) => run.imageRevision))).toEqual(new Set([1, 2]));
  });

  it('publishes each platform release before an instance runs it, and the defect dates from 3.4.0 on acme-prod', async () => {
    const releases = await listReleases(t.store, {
      userId: seed.users.providerAdmin.user.id,
      name: seed.users.providerAdmin.user.name,
      role: 'provider-admin',
      tenantId: null,
    });
    const published = new Map(releases.map((r) => [r.version, r.publishedAt]));
    for (const instance of Object.values(seed.instances)) {
      for (const revision of await t.store.repos.revisions.list(instance.id, 'platform')) {
        const version = (revision.content as { version: string }).version;
        expect(published.get(version)! < revision.statusChangedAt!, `${instance.name} ${version}`).toBe(true);
      }
    }
    const platform = await t.store.repos.revisions.current(seed.instances.acmeProd.id, 'platform');
    const defect = await t.store.db.selectFrom('defects').select(['since']).executeTakeFirstOrThrow();
    expect(defect.since).toBe(platform!.statusChangedAt);
  });

  it('keeps the audit chain intact: the history was written in time order', async () => {
    expect(await t.store.verifyAuditChain()).toMatchObject({ ok: true });
    const times = (await t.store.db.selectFrom('audit_log').select(['at']).orderBy('seq').execute()).map(
      (r) => r.at,
    );
    expect(times).toEqual([...times].sort());
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, openTestStore } from '../../../test/support/engines.js';
import type { TestStore } from '../../../test/support/engines.js';
import { IDEMPOTENCY_IN_PROGRESS } from '../index.js';
import type { Store } from '../index.js';

const claim = { actorUserId: 'usr_1', route: 'POST /api/v1/defects', key: 'k1', requestHash: 'h1' };

describe.each(engines)('Idempotency key reservation (%s)', (engine) => {
  let t: TestStore;
  let other: Store;
  beforeAll(async () => {
    t = await openTestStore(engine);
    // A second pool on the same database, as a second server process has.
    other = await t.openAnother();
  });
  afterAll(() => t.destroy());

  it('lets exactly one of many concurrent reservations through, across two stores', async () => {
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? t.store : other).repos.idempotency.reserve(claim)),
    );
    expect(results.filter((r) => r === null)).toHaveLength(1);
    for (const loser of results.filter((r) => r !== null)) {
      expect(loser).toMatchObject({ status: IDEMPOTENCY_IN_PROGRESS, requestHash: 'h1' });
    }
  });

  it('hands the stored answer to later attempts once completed, and never completes twice', async () => {
    await t.store.repos.idempotency.complete(claim, 201, { id: 'def_1' });
    await other.repos.idempotency.complete(claim, 201, { id: 'def_2' });
    expect(await other.repos.idempotency.reserve(claim)).toMatchObject({
      status: 201,
      body: { id: 'def_1' },
    });
    // A completed answer is not released by a late failure report.
    await t.store.repos.idempotency.release(claim);
    expect(await t.store.repos.idempotency.find('usr_1', claim.route, 'k1')).toMatchObject({ status: 201 });
  });

  it('frees a released reservation for the next attempt', async () => {
    const next = { ...claim, key: 'k2' };
    expect(await t.store.repos.idempotency.reserve(next)).toBeNull();
    await t.store.repos.idempotency.release(next);
    expect(await other.repos.idempotency.reserve(next)).toBeNull();
  });
});

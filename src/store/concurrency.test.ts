import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, openTestStore } from '../../test/support/engines.js';
import type { TestStore } from '../../test/support/engines.js';
import { ConflictError } from '../domain/errors/index.js';
import type { NewRevision, Store } from './index.js';

// Two Store instances = two connection pools on one database, as two `ratchet serve` processes have.
describe.each(engines)('Two stores racing on one database (%s)', (engine) => {
  let t: TestStore;
  let first: Store;
  let second: Store;
  let tenantId: string;
  let instanceId: string;

  beforeAll(async () => {
    t = await openTestStore(engine);
    first = t.store;
    second = await t.openAnother();
    ({ tenantId, instanceId } = await first.transaction(async (tx) => {
      const tenant = await tx.tenants.insert({ slug: 'race', name: 'Race' });
      const instance = await tx.instances.insert({
        tenantId: tenant.id,
        name: 'prod',
        kind: 'production',
        testInstanceId: null,
        namespaces: [],
      });
      return { tenantId: tenant.id, instanceId: instance.id };
    }));
  });
  afterAll(() => t.destroy());

  function revision(reason: string): NewRevision {
    return {
      instanceId,
      tenantId,
      layer: 'image',
      actorUserId: 'usr_race',
      actorRole: 'provider-engineer',
      reason,
      content: { reason },
      rollbackOf: null,
    };
  }

  it('lets exactly one of two writers record revision N+1; the other gets ConflictError', async () => {
    for (let round = 0; round < 5; round++) {
      // Both writers read the same latest number, as two API calls with the same expectedRevision do.
      const latest = await first.repos.revisions.latestNumber(instanceId, 'image');
      const results = await Promise.allSettled(
        [first, second].map((store, i) =>
          store.transaction(async (tx) => {
            const created = await tx.revisions.append(revision(`round ${round} writer ${i}`), latest);
            await tx.audit.append({
              actorUserId: 'usr_race',
              actorRole: 'provider-engineer',
              tenantId,
              action: 'revision.record',
              target: `revision:${created.number}`,
              before: null,
              after: { reason: created.reason },
            });
            return created;
          }),
        ),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
    }
    const stored = await second.repos.revisions.list(instanceId, 'image');
    expect(stored.map((r) => r.number)).toEqual([1, 2, 3, 4, 5]);
    // The loser's audit entry was rolled back with its revision: the chain holds exactly the winners.
    expect(await first.verifyAuditChain()).toEqual({ ok: true, entries: 5 });
  });

  it('lets exactly one of two writers update the same versioned row', async () => {
    const tenant = await first.repos.tenants.get(tenantId);
    const results = await Promise.allSettled(
      [first, second].map((store, i) =>
        store.transaction((tx) => tx.tenants.update(tenantId, tenant!.version, { name: `writer ${i}` })),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(ConflictError);
    const after = await second.repos.tenants.get(tenantId);
    expect(after?.version).toBe(tenant!.version + 1);
    const winner = results.findIndex((r) => r.status === 'fulfilled');
    expect(after?.name).toBe(`writer ${winner}`);
  });

  it('never loses an append when writers allocate the next number inside the transaction', async () => {
    const before = await first.repos.revisions.latestNumber(instanceId, 'platform');
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        (i % 2 === 0 ? first : second).transaction(async (tx) => {
          const latest = await tx.revisions.latestNumber(instanceId, 'platform');
          await tx.revisions.append({ ...revision(`append ${i}`), layer: 'platform' }, latest);
        }),
      ),
    );
    const numbers = (await first.repos.revisions.list(instanceId, 'platform')).map((r) => r.number);
    expect(numbers).toEqual(Array.from({ length: 12 }, (_, i) => before + i + 1));
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { NotFoundError } from '../../domain/errors/index.js';
import { engines, openTestDatabase } from '../testkit/index.js';
import type { TestDatabase } from '../testkit/index.js';
import { createOutboxRepository } from './repository.js';
import type { OutboxMessage, OutboxRepository } from './types.js';

function message(eventId: string, receiverIds: string[] = ['r1']): OutboxMessage {
  return {
    topic: 'rollback.approved',
    eventId,
    receivers: receiverIds.map((id) => ({ id, channel: 'ops-webhook', address: `${id}@example.test` })),
    subject: 'Rollback approved',
    text: 'dbt-core goes back to 1.10',
    data: { package: 'dbt-core', target: '==1.10.*' },
  };
}

const T0 = new Date('2025-03-01T10:00:00.000Z');
const later = (ms: number): Date => new Date(T0.getTime() + ms);

describe.each(engines)('OutboxRepository (%s)', (engine) => {
  let test: TestDatabase;
  let outbox: OutboxRepository;

  beforeAll(async () => {
    test = await openTestDatabase(engine);
    outbox = createOutboxRepository({ db: test.store.db, engine, now: () => T0 });
  });
  afterAll(async () => {
    await test.close();
  });

  it('fans a message out into one row per receiver, keyed eventId:receiverId, and ignores a replay', async () => {
    const first = await outbox.enqueue(test.store.db, message('evt-fan', ['a', 'b']));
    const replay = await outbox.enqueue(test.store.db, message('evt-fan', ['a', 'b', 'c']));

    expect(first).toEqual({ enqueued: 2, duplicates: 0 });
    expect(replay).toEqual({ enqueued: 1, duplicates: 2 });
    const a = await outbox.get('evt-fan:a');
    expect(a).toMatchObject({
      topic: 'rollback.approved',
      receiverId: 'a',
      channel: 'ops-webhook',
      address: 'a@example.test',
      data: { package: 'dbt-core', target: '==1.10.*' },
      status: 'pending',
      attempts: 0,
    });
  });

  it("commits with the store transaction's state change, and vanishes when it rolls back", async () => {
    await test.store.transaction(async (tx) => {
      await tx.tenants.insert({ slug: 'acme', name: 'Acme' });
      await outbox.enqueue(tx.db, message('evt-committed'));
    });
    await expect(
      test.store.transaction(async (tx) => {
        await tx.tenants.insert({ slug: 'globex', name: 'Globex' });
        await outbox.enqueue(tx.db, message('evt-rolled-back'));
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');

    expect(await outbox.get('evt-committed:r1')).toMatchObject({ status: 'pending' });
    expect(await test.store.repos.tenants.getBySlug('globex')).toBeNull();
    expect(await outbox.get('evt-rolled-back:r1')).toBeNull();
  });

  it("is the store's own repository too: tx.outbox enqueues with the transaction, store.repos.outbox reads", async () => {
    await test.store.transaction(async (tx) => {
      expect(await tx.outbox.enqueue(message('evt-tx-outbox', ['a']))).toEqual({
        enqueued: 1,
        duplicates: 0,
      });
    });
    await expect(
      test.store.transaction(async (tx) => {
        await tx.outbox.enqueue(message('evt-tx-rolled-back'));
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');

    expect(await test.store.repos.outbox.get('evt-tx-outbox:a')).toMatchObject({
      status: 'pending',
      receiverId: 'a',
      address: 'a@example.test',
    });
    expect(await outbox.get('evt-tx-outbox:a')).toMatchObject({ eventId: 'evt-tx-outbox' });
    expect(await test.store.repos.outbox.get('evt-tx-rolled-back:r1')).toBeNull();
  });

  it('leases due rows to one worker, counts the attempt, and re-offers them only after the lease runs out', async () => {
    await outbox.enqueue(test.store.db, message('evt-lease'));

    const claimed = await outbox.claimDue({ now: later(1), limit: 50, workerId: 'w1', leaseMs: 60_000 });
    const mine = claimed.find((entry) => entry.idempotencyKey === 'evt-lease:r1');
    expect(mine).toMatchObject({ attempts: 1, leaseOwner: 'w1' });

    const whileLeased = await outbox.claimDue({ now: later(2), limit: 50, workerId: 'w2', leaseMs: 60_000 });
    expect(whileLeased.map((entry) => entry.idempotencyKey)).not.toContain('evt-lease:r1');

    const afterLease = await outbox.claimDue({
      now: later(61_000),
      limit: 50,
      workerId: 'w2',
      leaseMs: 60_000,
    });
    expect(afterLease.find((entry) => entry.idempotencyKey === 'evt-lease:r1')).toMatchObject({
      attempts: 2,
      leaseOwner: 'w2',
    });

    // w1 woke up late: its retry must not reschedule the row w2 now holds.
    await outbox.markRetry(mine!.id, 'w1', later(999_999), 'w1 timed out');
    expect(await outbox.get('evt-lease:r1')).toMatchObject({ leaseOwner: 'w2', lastError: null });

    await outbox.markDelivered(mine!.id, 'w2');
    expect(await outbox.get('evt-lease:r1')).toMatchObject({ status: 'delivered', leaseOwner: null });
    const afterDelivery = await outbox.claimDue({
      now: later(10_000_000),
      limit: 50,
      workerId: 'w3',
      leaseMs: 1,
    });
    expect(afterDelivery.map((entry) => entry.idempotencyKey)).not.toContain('evt-lease:r1');
  });

  it('holds a retried row back until its next attempt time', async () => {
    await outbox.enqueue(test.store.db, message('evt-retry'));
    const [entry] = (
      await outbox.claimDue({ now: later(0), limit: 50, workerId: 'w1', leaseMs: 1000 })
    ).filter((e) => e.eventId === 'evt-retry');
    await outbox.markRetry(entry!.id, 'w1', later(30_000), 'HTTP 503');

    const early = await outbox.claimDue({ now: later(29_999), limit: 50, workerId: 'w1', leaseMs: 1000 });
    expect(early.map((e) => e.eventId)).not.toContain('evt-retry');
    const due = await outbox.claimDue({ now: later(30_000), limit: 50, workerId: 'w1', leaseMs: 1000 });
    expect(due.find((e) => e.eventId === 'evt-retry')).toMatchObject({ attempts: 2, lastError: 'HTTP 503' });
  });

  it('parks a failed row, lists it, and requeues it on request', async () => {
    await outbox.enqueue(test.store.db, message('evt-park'));
    const claimed = await outbox.claimDue({ now: later(0), limit: 50, workerId: 'w1', leaseMs: 1000 });
    const entry = claimed.find((e) => e.eventId === 'evt-park')!;
    await outbox.markFailed(entry.id, 'w1', 'HTTP 400: unknown hook');

    const failed = await outbox.listFailed();
    expect(failed.find((e) => e.eventId === 'evt-park')).toMatchObject({
      status: 'failed',
      lastError: 'HTTP 400: unknown hook',
    });
    const parked = await outbox.claimDue({
      now: later(99_999_999),
      limit: 50,
      workerId: 'w1',
      leaseMs: 1000,
    });
    expect(parked.map((e) => e.eventId)).not.toContain('evt-park');

    await outbox.requeue(entry.id);
    expect(await outbox.get('evt-park:r1')).toMatchObject({ status: 'pending', attempts: 0 });
    await expect(outbox.requeue(entry.id)).rejects.toThrow(/is pending, not parked/);
    await expect(outbox.requeue('obx_missing')).rejects.toThrow(NotFoundError);
  });
});

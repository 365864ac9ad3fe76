import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { InputError } from '../../domain/errors/index.js';
import { createWebhookChannel } from '../channels/webhook.js';
import { createOutboxRepository } from '../outbox/repository.js';
import type { OutboxMessage, OutboxRepository } from '../outbox/types.js';
import { engines, openTestDatabase, startHttpReceiver, unusedUrl } from '../testkit/index.js';
import type { HttpReceiver, TestDatabase } from '../testkit/index.js';
import { backoffDelay } from './backoff.js';
import type { DeliveryWorker } from './types.js';
import { startDeliveryWorker } from './worker.js';

const SECRET = 'whsec_0123456789abcdef';
const BASE_MS = 1_000;

function message(eventId: string, channel = 'ops-webhook'): OutboxMessage {
  return {
    topic: 'rollback.approved',
    eventId,
    receivers: [{ id: 'ops', channel }],
    subject: 'Rollback approved',
    text: 'dbt-core goes back to 1.10',
    data: { package: 'dbt-core' },
  };
}

describe('backoffDelay', () => {
  it('grows exponentially within jitter bounds and stops at the cap', () => {
    const options = { baseMs: 1000, capMs: 10_000 };
    expect(backoffDelay(1, options, () => 0)).toBe(500);
    expect(backoffDelay(1, options, () => 0.999999)).toBe(1000);
    expect(backoffDelay(3, options, () => 0)).toBe(2000);
    expect(backoffDelay(3, options, () => 0.999999)).toBe(4000);
    expect(backoffDelay(40, options, () => 0.999999)).toBe(10_000);
    expect(backoffDelay(40, options, () => 0)).toBe(5000);
  });
});

describe.each(engines)('delivery worker (%s)', (engine) => {
  let test: TestDatabase;
  let now: Date;
  let outbox: OutboxRepository;
  let receiver: HttpReceiver | undefined;
  const workers: DeliveryWorker[] = [];

  const advance = (ms: number): void => {
    now = new Date(now.getTime() + ms);
  };
  function worker(url: string, options: { maxAttempts?: number; timeoutMs?: number } = {}): DeliveryWorker {
    const started = startDeliveryWorker({
      outbox,
      channels: {
        'ops-webhook': createWebhookChannel({ url, secret: SECRET, timeoutMs: options.timeoutMs ?? 2_000 }),
      },
      clock: () => now,
      pollMs: 60_000,
      maxAttempts: options.maxAttempts,
      backoff: { baseMs: BASE_MS, capMs: 60_000 },
    });
    workers.push(started);
    return started;
  }

  beforeAll(async () => {
    test = await openTestDatabase(engine);
    outbox = createOutboxRepository({ db: test.store.db, engine, now: () => now });
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    await receiver?.close();
    receiver = undefined;
  });
  afterAll(async () => {
    await test.close();
  });

  it('retries 500, 500 with growing backoff, then delivers once, with one idempotency key throughout', async () => {
    now = new Date('2025-03-01T10:00:00.000Z');
    receiver = await startHttpReceiver((index) => ({ status: index < 2 ? 500 : 200, body: 'busy' }));
    await outbox.enqueue(test.store.db, message('evt-flaky'));
    const w = worker(receiver.url);

    await w.drain();
    const first = await outbox.get('evt-flaky:ops');
    expect(receiver.requests).toHaveLength(1);
    expect(first).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: expect.stringContaining('HTTP 500'),
    });
    const firstDelay = Date.parse(first!.nextAttemptAt) - now.getTime();
    expect(firstDelay).toBeGreaterThanOrEqual(BASE_MS / 2);
    expect(firstDelay).toBeLessThanOrEqual(BASE_MS);

    await w.drain();
    expect(receiver.requests).toHaveLength(1);

    advance(firstDelay);
    await w.drain();
    const second = await outbox.get('evt-flaky:ops');
    const secondDelay = Date.parse(second!.nextAttemptAt) - now.getTime();
    expect(receiver.requests).toHaveLength(2);
    expect(secondDelay).toBeGreaterThanOrEqual(BASE_MS);
    expect(secondDelay).toBeLessThanOrEqual(2 * BASE_MS);

    advance(secondDelay);
    await w.drain();
    advance(24 * 3600_000);
    await w.drain();

    expect(await outbox.get('evt-flaky:ops')).toMatchObject({ status: 'delivered', attempts: 3 });
    expect(receiver.requests).toHaveLength(3);
    expect(new Set(receiver.requests.map((r) => r.headers['idempotency-key']))).toEqual(
      new Set(['evt-flaky:ops']),
    );
    expect(receiver.requests.map((r) => r.headers['ratchet-attempt'])).toEqual(['1', '2', '3']);
  });

  it('parks an entry at once when the receiver answers 400', async () => {
    now = new Date('2025-03-02T10:00:00.000Z');
    receiver = await startHttpReceiver(() => ({ status: 400, body: 'unknown hook' }));
    await outbox.enqueue(test.store.db, message('evt-bad-request'));

    const summary = await worker(receiver.url).drain();

    expect(summary).toMatchObject({ failed: 1, retried: 0 });
    expect(receiver.requests).toHaveLength(1);
    const parked = (await outbox.listFailed()).find((e) => e.eventId === 'evt-bad-request');
    expect(parked).toMatchObject({
      attempts: 1,
      lastError: expect.stringContaining('HTTP 400: unknown hook'),
    });
  });

  it('parks an entry after maxAttempts when the receiver stays down', async () => {
    now = new Date('2025-03-03T10:00:00.000Z');
    await outbox.enqueue(test.store.db, message('evt-down'));
    const w = worker(await unusedUrl(), { maxAttempts: 3 });

    for (let attempt = 0; attempt < 5; attempt += 1) {
      await w.drain();
      advance(60_000);
    }

    const parked = (await outbox.listFailed()).find((e) => e.eventId === 'evt-down');
    expect(parked).toMatchObject({ status: 'failed', attempts: 3 });
    expect(parked?.lastError).toMatch(/gave up after 3 attempts: could not reach .*ECONNREFUSED/);
  });

  it('retries a receiver that answers too slowly', async () => {
    now = new Date('2025-03-04T10:00:00.000Z');
    receiver = await startHttpReceiver((index) => ({ status: 200, delayMs: index === 0 ? 3_000 : 0 }));
    await outbox.enqueue(test.store.db, message('evt-slow'));
    const w = worker(receiver.url, { timeoutMs: 300 });

    await w.drain();
    expect(await outbox.get('evt-slow:ops')).toMatchObject({
      status: 'pending',
      lastError: expect.stringContaining('300 ms'),
    });
    advance(60_000);
    await w.drain();

    expect(await outbox.get('evt-slow:ops')).toMatchObject({ status: 'delivered', attempts: 2 });
  });

  it('parks an entry whose channel is not configured', async () => {
    now = new Date('2025-03-05T10:00:00.000Z');
    await outbox.enqueue(test.store.db, message('evt-nowhere', 'pager'));

    await worker(await unusedUrl()).drain();

    expect(await outbox.get('evt-nowhere:ops')).toMatchObject({
      status: 'failed',
      lastError: expect.stringContaining('no channel named "pager"'),
    });
  });

  it('resends after a crash between send and mark, with the same idempotency key', async () => {
    now = new Date('2025-03-06T10:00:00.000Z');
    receiver = await startHttpReceiver();
    await outbox.enqueue(test.store.db, message('evt-crash'));
    // A worker that sent and died before marking: its claim and send happen, the mark never does.
    const [claimed] = await outbox.claimDue({ now, limit: 1, workerId: 'crashed', leaseMs: 30_000 });
    await createWebhookChannel({ url: receiver.url, secret: SECRET }).deliver({
      ...claimed!,
      attempt: claimed!.attempts,
    });

    const w = worker(receiver.url);
    await w.drain();
    expect(receiver.requests).toHaveLength(1);
    advance(30_000);
    await w.drain();

    expect(await outbox.get('evt-crash:ops')).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(receiver.requests.map((r) => r.headers['idempotency-key'])).toEqual([
      'evt-crash:ops',
      'evt-crash:ops',
    ]);
  });

  it('two workers on separate connections never deliver the same entry twice', async () => {
    now = new Date('2025-03-07T10:00:00.000Z');
    receiver = await startHttpReceiver(() => ({ status: 200, delayMs: 5 }));
    for (let i = 0; i < 40; i += 1) await outbox.enqueue(test.store.db, message(`evt-race-${i}`));
    const other = createOutboxRepository({ db: (await test.openAnother()).db, engine, now: () => now });
    const channels = { 'ops-webhook': createWebhookChannel({ url: receiver.url, secret: SECRET }) };
    const base = { channels, clock: () => now, pollMs: 60_000, batchSize: 3 };
    const a = startDeliveryWorker({ ...base, outbox, workerId: 'a' });
    const b = startDeliveryWorker({ ...base, outbox: other, workerId: 'b' });
    workers.push(a, b);

    const [fromA, fromB] = await Promise.all([a.drain(), b.drain()]);

    const keys = receiver.requests.map((r) => r.headers['idempotency-key']);
    expect(keys).toHaveLength(40);
    expect(new Set(keys).size).toBe(40);
    expect(fromA.delivered + fromB.delivered).toBe(40);
  });

  it('polls on its own without drain', async () => {
    now = new Date('2025-03-08T10:00:00.000Z');
    receiver = await startHttpReceiver();
    await outbox.enqueue(test.store.db, message('evt-poll'));
    const started = startDeliveryWorker({
      outbox,
      channels: { 'ops-webhook': createWebhookChannel({ url: receiver.url, secret: SECRET }) },
      clock: () => now,
      pollMs: 20,
    });
    workers.push(started);

    await expect
      .poll(async () => (await outbox.get('evt-poll:ops'))?.status, { timeout: 5_000 })
      .toBe('delivered');
  });
});

describe('startDeliveryWorker options', () => {
  it('fails fast with a sentence on missing channels or a bad poll interval', () => {
    const outbox = { claimDue: () => Promise.resolve([]) } as unknown as OutboxRepository;
    expect(() => startDeliveryWorker({ outbox, channels: {}, pollMs: 100 })).toThrow(/pass `channels`/);
    expect(() =>
      startDeliveryWorker({
        outbox,
        channels: { x: createWebhookChannel({ url: 'http://127.0.0.1:9/', secret: SECRET }) },
        pollMs: 0,
      }),
    ).toThrow(InputError);
  });
});

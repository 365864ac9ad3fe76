import { randomUUID } from 'node:crypto';

import { InputError } from '../../domain/errors/index.js';
import { DeliveryError } from '../channels/errors.js';
import type { Delivery } from '../channels/types.js';
import type { OutboxEntry } from '../outbox/types.js';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff.js';
import type { DeliveryEvent, DeliveryWorker, DeliveryWorkerOptions, DrainSummary } from './types.js';

type Outcome = 'delivered' | 'retried' | 'failed';

function toDelivery(entry: OutboxEntry): Delivery {
  return {
    idempotencyKey: entry.idempotencyKey,
    eventId: entry.eventId,
    topic: entry.topic,
    receiverId: entry.receiverId,
    address: entry.address,
    subject: entry.subject,
    text: entry.text,
    data: entry.data,
    attempt: entry.attempts,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function positiveInteger(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

function validate(options: DeliveryWorkerOptions): void {
  const fail = (what: string): never => {
    throw new InputError(`startDeliveryWorker: ${what}.`);
  };
  if (typeof options.outbox?.claimDue !== 'function') fail('pass `outbox`, an OutboxRepository');
  if (!options.channels || Object.keys(options.channels).length === 0) {
    fail(
      'pass `channels`, at least one channel by the name receivers use, e.g. { "ops-webhook": createWebhookChannel(...) }',
    );
  }
  if (!positiveInteger(options.pollMs)) fail('pass `pollMs`, a positive whole number of milliseconds');
  if (options.maxAttempts !== undefined && !positiveInteger(options.maxAttempts)) {
    fail('`maxAttempts` must be a whole number of at least 1');
  }
  if (options.batchSize !== undefined && !positiveInteger(options.batchSize))
    fail('`batchSize` must be at least 1');
  if (options.leaseMs !== undefined && !(positiveInteger(options.leaseMs) && options.leaseMs >= 1000)) {
    fail('`leaseMs` must be at least 1000 and longer than the slowest channel timeout');
  }
  const { baseMs, capMs } = { ...DEFAULT_BACKOFF, ...options.backoff };
  if (!positiveInteger(baseMs) || !positiveInteger(capMs) || capMs < baseMs) {
    fail('`backoff` needs positive whole `baseMs` and `capMs`, with capMs >= baseMs');
  }
}

/**
 * Delivers outbox entries: claims due ones under a lease, sends each through its channel, and marks
 * it delivered, rescheduled with backoff, or parked as failed (a permanent refusal, or `maxAttempts`
 * used up). At least once: a crash between send and mark resends after the lease runs out, with the
 * same idempotency key (docs/delivery.md).
 *
 * @example
 * const worker = startDeliveryWorker({ outbox, channels: { 'ops-slack': createSlackChannel({ url }) }, pollMs: 2000 });
 * process.on('SIGTERM', () => void worker.stop());
 */
export function startDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  validate(options);
  const { outbox, channels, pollMs } = options;
  const clock = options.clock ?? (() => new Date());
  const maxAttempts = options.maxAttempts ?? 8;
  const batchSize = options.batchSize ?? 10;
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const workerId = options.workerId ?? `dw_${randomUUID()}`;
  const random = options.random ?? Math.random;
  const emit = (event: DeliveryEvent): void => {
    try {
      options.onEvent?.(event);
    } catch {
      // A broken log sink must not stop deliveries.
    }
  };

  async function settle(entry: OutboxEntry, error: unknown): Promise<Outcome> {
    const message = describe(error);
    const permanent = error instanceof DeliveryError && !error.retryable;
    if (permanent || entry.attempts >= maxAttempts) {
      const reason = permanent ? message : `gave up after ${entry.attempts} attempts: ${message}`;
      await outbox.markFailed(entry.id, workerId, reason);
      emit({ type: 'failed', entry, error: reason });
      return 'failed';
    }
    const nextAttemptAt = new Date(clock().getTime() + backoffDelay(entry.attempts, options.backoff, random));
    await outbox.markRetry(entry.id, workerId, nextAttemptAt, message);
    emit({ type: 'retry', entry, error: message, nextAttemptAt });
    return 'retried';
  }

  async function deliverEntry(entry: OutboxEntry): Promise<Outcome> {
    const channel = channels[entry.channel];
    if (!channel) {
      return settle(
        entry,
        new DeliveryError(`no channel named "${entry.channel}" is configured on this worker`, {
          retryable: false,
        }),
      );
    }
    try {
      await channel.deliver(toDelivery(entry));
    } catch (error) {
      return settle(entry, error);
    }
    // Marked delivered (and the lease released) in one write, so no worker ever claims it again.
    await outbox.markDelivered(entry.id, workerId);
    emit({ type: 'delivered', entry });
    return 'delivered';
  }

  /** One claim-and-send round; resolves with the tally, 0 everywhere when nothing was due. */
  async function cycle(): Promise<DrainSummary & { claimed: number }> {
    const entries = await outbox.claimDue({ now: clock(), limit: batchSize, workerId, leaseMs });
    const summary = { claimed: entries.length, delivered: 0, retried: 0, failed: 0 };
    const results = await Promise.allSettled(entries.map((entry) => deliverEntry(entry)));
    for (const result of results) {
      if (result.status === 'fulfilled') summary[result.value] += 1;
      // A mark that failed (database gone) leaves the lease to run out: the entry is resent later.
      else emit({ type: 'error', error: result.reason });
    }
    return summary;
  }

  // One round at a time, whether started by the poll timer or by drain().
  let running: Promise<unknown> = Promise.resolve();
  function exclusive<T>(task: () => Promise<T>): Promise<T> {
    const next = running.then(task, task);
    running = next.catch(() => undefined);
    return next;
  }

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  function schedule(delayMs: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      void exclusive(cycle).then(
        // A full batch suggests more is due: poll again at once.
        (summary) => schedule(summary.claimed === batchSize ? 0 : pollMs),
        (error: unknown) => {
          emit({ type: 'error', error });
          schedule(pollMs);
        },
      );
    }, delayMs);
  }
  schedule(0);

  return {
    workerId,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
    drain() {
      return exclusive(async () => {
        const total: DrainSummary = { delivered: 0, retried: 0, failed: 0 };
        while (true) {
          const summary = await cycle();
          if (summary.claimed === 0) return total;
          total.delivered += summary.delivered;
          total.retried += summary.retried;
          total.failed += summary.failed;
        }
      });
    },
  };
}

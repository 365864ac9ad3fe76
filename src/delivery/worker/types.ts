import type { Channel } from '../channels/types.js';
import type { OutboxEntry, OutboxRepository } from '../outbox/types.js';

export interface BackoffOptions {
  /** The ceiling of the first retry's delay; it doubles with each attempt. */
  baseMs?: number;
  /** No delay exceeds this, however many attempts failed. */
  capMs?: number;
}

/** What the worker did with one entry, for logs and metrics. */
export type DeliveryEvent =
  | { type: 'delivered'; entry: OutboxEntry }
  | { type: 'retry'; entry: OutboxEntry; error: string; nextAttemptAt: Date }
  | { type: 'failed'; entry: OutboxEntry; error: string }
  | { type: 'error'; error: unknown };

export interface DeliveryWorkerOptions {
  outbox: OutboxRepository;
  /** Channels by the name receivers use in `Receiver.channel`. */
  channels: Record<string, Channel>;
  clock?: () => Date;
  /** Pause between polls when the last one found nothing due. */
  pollMs: number;
  /** Attempts before an entry is parked as failed (default 8). */
  maxAttempts?: number;
  backoff?: BackoffOptions;
  /** Entries claimed and sent concurrently per poll (default 10). */
  batchSize?: number;
  /**
   * How long a claim holds (default 5 min). Must exceed the slowest channel's timeout, or another
   * worker may resend while the first is still waiting for an answer.
   */
  leaseMs?: number;
  /** Default: a random id per worker. */
  workerId?: string;
  /** Source of jitter in [0, 1); tests pass a fixed one. */
  random?: () => number;
  onEvent?: (event: DeliveryEvent) => void;
}

export interface DrainSummary {
  delivered: number;
  retried: number;
  failed: number;
}

export interface DeliveryWorker {
  readonly workerId: string;
  /** Stops polling and waits for the batch in flight to settle. */
  stop(): Promise<void>;
  /** Delivers everything due now (polling until a claim comes back empty), then resolves. */
  drain(): Promise<DrainSummary>;
}

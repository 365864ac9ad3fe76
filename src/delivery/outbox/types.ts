import type { Kysely } from 'kysely';

import type { OutboxStatus } from '../../store/tables/outbox.js';
import type { Engine } from '../../store/types.js';

/**
 * Any Kysely handle, whatever its schema type: a pool, a `Transaction`, the store's `tx.db`. Kysely's
 * database type parameter is invariant, so `Kysely<Database>` is not a `Kysely<OutboxTables>` even
 * when the schema holds the table; the migration, not the type, guarantees the table is there.
 */
export type KyselyHandle = Pick<Kysely<unknown>, 'getExecutor'>;

/** Where one copy of a message goes: a configured channel, and for email the recipient address. */
export interface Receiver {
  /** Stable per receiver (e.g. `tenant:acme:ops-webhook`): half of the idempotency key. */
  id: string;
  /** The name of a channel configured on the delivery worker (`channels` option), e.g. `ops-slack`. */
  channel: string;
  /** Channel-specific destination: the `To` address for email; unused by webhooks (the URL is config). */
  address?: string;
}

/**
 * What a state change asks to announce. Enqueued in the same transaction as the change and fanned
 * out into one outbox row per receiver.
 */
export interface OutboxMessage {
  /** e.g. `rollback.approved`, `hotfix.deployed`, `defect.updated`. */
  topic: string;
  /** Unique per state change: the same event enqueued twice is delivered once per receiver. */
  eventId: string;
  receivers: Receiver[];
  subject: string;
  text: string;
  data: Record<string, unknown>;
}

// The row shapes live with the store's other tables (the store never imports delivery/).
export type { OutboxStatus, OutboxTable, OutboxTables } from '../../store/tables/outbox.js';

/** One row of the outbox: one message for one receiver. */
export interface OutboxEntry {
  id: string;
  /** `${eventId}:${receiverId}`; travels with every attempt so the receiver can drop duplicates. */
  idempotencyKey: string;
  eventId: string;
  topic: string;
  receiverId: string;
  channel: string;
  address: string | null;
  subject: string;
  text: string;
  data: Record<string, unknown>;
  /** Attempts started so far, counting the current one once claimed. */
  attempts: number;
  status: OutboxStatus;
  nextAttemptAt: string;
  leaseUntil: string | null;
  leaseOwner: string | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

export interface EnqueueResult {
  /** Rows written now. */
  enqueued: number;
  /** Receivers skipped because their idempotency key was already in the outbox. */
  duplicates: number;
}

export interface ClaimOptions {
  now: Date;
  limit: number;
  workerId: string;
  /** How long the claim holds; another worker may take the row after it. */
  leaseMs: number;
}

/**
 * The delivery side's view of the outbox. `enqueue` takes the caller's transaction handle so the
 * outbox row commits or rolls back with the state change it announces.
 */
export interface OutboxRepository {
  /** `tx` is any Kysely handle on a database migrated with `outboxMigration` (e.g. the store's `tx.db`). */
  enqueue(tx: KyselyHandle, message: OutboxMessage): Promise<EnqueueResult>;
  /**
   * Leases up to `limit` due pending rows to `workerId` and counts the attempt. PostgreSQL: `FOR
   * UPDATE SKIP LOCKED`, so concurrent workers take disjoint rows; SQLite: one atomic UPDATE under
   * the single-writer lock. A row whose lease ran out (its worker died) is due again.
   */
  claimDue(options: ClaimOptions): Promise<OutboxEntry[]>;
  /** Marks delivered and releases the lease in one write: a delivered row is never claimed again. */
  markDelivered(id: string, workerId: string): Promise<void>;
  markRetry(id: string, workerId: string, nextAttemptAt: Date, error: string): Promise<void>;
  /** Parks the row: it is not retried until someone requeues it. */
  markFailed(id: string, workerId: string, error: string): Promise<void>;
  /** Parked rows, newest first, for the API and dashboard. */
  listFailed(options?: { limit?: number }): Promise<OutboxEntry[]>;
  /** Puts a parked row back in the queue (an operator fixed the receiver), attempts reset. */
  requeue(id: string): Promise<void>;
  get(idempotencyKey: string): Promise<OutboxEntry | null>;
}

export interface OutboxRepositoryOptions {
  /** The pool handle (the store's `db`), on a database migrated with `outboxMigration`. */
  db: KyselyHandle;
  engine: Engine;
  /** The clock `enqueue`, `requeue` and the marks use; default the system clock. */
  now?: () => Date;
}

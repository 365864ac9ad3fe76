import type {
  ClaimOptions,
  Db,
  Engine,
  EnqueueResult,
  OutboxEntry,
  OutboxMessage,
} from '../../store/index.js';

// The message and row shapes live with the store that keeps them (the store never imports delivery/).
export type {
  ClaimOptions,
  EnqueueResult,
  OutboxEntry,
  OutboxMessage,
  OutboxStatus,
  Receiver,
} from '../../store/index.js';

/**
 * The delivery side's view of the outbox. `enqueue` takes the caller's transaction handle so the
 * outbox row commits or rolls back with the state change it announces.
 */
export interface OutboxRepository {
  /** `tx` is the store's handle the change is written on: `tx.db` inside `store.transaction`. */
  enqueue(tx: Db, message: OutboxMessage): Promise<EnqueueResult>;
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
  /** The pool handle (the store's `db`). */
  db: Db;
  engine: Engine;
  /** The clock `enqueue`, `requeue` and the marks use; default the system clock. */
  now?: () => Date;
}

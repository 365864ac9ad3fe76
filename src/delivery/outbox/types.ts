import type { Db, Engine, EnqueueResult, OutboxMessage, OutboxQueue } from '../../store/index.js';

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
 * The delivery side's view of the outbox: the store's queue (`OutboxQueue`), except that `enqueue`
 * takes the caller's transaction handle so the outbox row commits or rolls back with the state
 * change it announces.
 */
export interface OutboxRepository extends Omit<OutboxQueue, 'enqueue'> {
  /** `tx` is the store's handle the change is written on: `tx.db` inside `store.transaction`. */
  enqueue(tx: Db, message: OutboxMessage): Promise<EnqueueResult>;
}

export interface OutboxRepositoryOptions {
  /** The pool handle (the store's `db`). */
  db: Db;
  engine: Engine;
  /** The clock `enqueue`, `requeue` and the marks use; default the system clock. */
  now?: () => Date;
}

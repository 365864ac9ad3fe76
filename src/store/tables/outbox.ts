/**
 * The transactional outbox's table: migration 0002-outbox, queries in repositories/outbox.ts. The
 * delivery side (delivery/outbox, delivery/worker) reaches it through that repository only.
 */

export type OutboxStatus = 'pending' | 'delivered' | 'failed';

export interface OutboxTable {
  id: string;
  idempotency_key: string;
  event_id: string;
  topic: string;
  receiver_id: string;
  channel: string;
  /** JSON text: `{ subject, text, data, address }`. */
  payload: string;
  attempts: number;
  next_attempt_at: string;
  lease_until: string | null;
  lease_owner: string | null;
  status: OutboxStatus;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

/** The outbox's slice of the schema, intersected into the store's `Database`. */
export interface OutboxTables {
  outbox: OutboxTable;
}

import type { Selectable } from 'kysely';

import { ConflictError, NotFoundError } from '../../domain/errors/index.js';
import type { OutboxTable } from '../tables/outbox.js';
import type { EnqueueResult, OutboxEntry, OutboxQueue } from '../types.js';
import type { RepositoryContext } from './context.js';
import { newId } from './context.js';

interface StoredPayload {
  subject: string;
  text: string;
  data: Record<string, unknown>;
  address: string | null;
}

/** The idempotency key a receiver sees on every attempt of one message. */
export function idempotencyKeyOf(eventId: string, receiverId: string): string {
  return `${eventId}:${receiverId}`;
}

function toEntry(row: Selectable<OutboxTable>): OutboxEntry {
  const payload = JSON.parse(row.payload) as StoredPayload;
  return {
    id: row.id,
    idempotencyKey: row.idempotency_key,
    eventId: row.event_id,
    topic: row.topic,
    receiverId: row.receiver_id,
    channel: row.channel,
    address: payload.address,
    subject: payload.subject,
    text: payload.text,
    data: payload.data,
    attempts: Number(row.attempts),
    status: row.status,
    nextAttemptAt: row.next_attempt_at,
    leaseUntil: row.lease_until,
    leaseOwner: row.lease_owner,
    lastError: row.last_error,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
  };
}

// A receiver's error body can be large; the outbox keeps enough to diagnose, not the whole page.
function clip(error: string): string {
  return error.length > 2000 ? `${error.slice(0, 2000)}…` : error;
}

/**
 * The transactional outbox (migration 0002-outbox) on one handle, for SQLite and PostgreSQL. Takes
 * only the handle, its engine and the clock, so the delivery side can bind it to a handle it was
 * given (delivery/outbox: `createOutboxRepository`).
 */
export function outboxRepository({
  db,
  engine,
  now,
}: Pick<RepositoryContext, 'db' | 'engine' | 'now'>): OutboxQueue {
  return {
    async enqueue(message): Promise<EnqueueResult> {
      if (message.receivers.length === 0) return { enqueued: 0, duplicates: 0 };
      const at = now();
      const rows = message.receivers.map((receiver) => ({
        id: newId('obx'),
        idempotency_key: idempotencyKeyOf(message.eventId, receiver.id),
        event_id: message.eventId,
        topic: message.topic,
        receiver_id: receiver.id,
        channel: receiver.channel,
        payload: JSON.stringify({
          subject: message.subject,
          text: message.text,
          data: message.data,
          address: receiver.address ?? null,
        } satisfies StoredPayload),
        attempts: 0,
        next_attempt_at: at,
        lease_until: null,
        lease_owner: null,
        status: 'pending' as const,
        last_error: null,
        created_at: at,
        delivered_at: null,
      }));
      // The unique idempotency key makes a replayed enqueue (a retried request, a re-run workflow) a no-op.
      const result = await db
        .insertInto('outbox')
        .values(rows)
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .executeTakeFirst();
      const enqueued = Number(result.numInsertedOrUpdatedRows ?? 0);
      return { enqueued, duplicates: rows.length - enqueued };
    },

    async claimDue({ now: at, limit, workerId, leaseMs }) {
      const nowIso = at.toISOString();
      const leaseUntil = new Date(at.getTime() + leaseMs).toISOString();
      let due = db
        .selectFrom('outbox')
        .select('id')
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', nowIso)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', nowIso)]))
        .orderBy('next_attempt_at')
        .limit(limit);
      // PostgreSQL: rows another worker is claiming right now are skipped, not waited for. SQLite
      // has one writer at a time, so the single UPDATE below is already exclusive.
      if (engine === 'postgres') due = due.forUpdate().skipLocked();
      const rows = await db
        .updateTable('outbox')
        .set((eb) => ({ lease_until: leaseUntil, lease_owner: workerId, attempts: eb('attempts', '+', 1) }))
        .where('id', 'in', due)
        .where('status', '=', 'pending')
        .returningAll()
        .execute();
      return rows.map(toEntry).sort((a, b) => a.nextAttemptAt.localeCompare(b.nextAttemptAt));
    },

    async markDelivered(id, _workerId) {
      // Not guarded by lease owner: if a slow worker's lease ran out and another took the row, the
      // first success still wins, and the later send carries the same idempotency key.
      await db
        .updateTable('outbox')
        .set({ status: 'delivered', delivered_at: now(), lease_until: null, lease_owner: null })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .execute();
    },

    async markRetry(id, workerId, nextAttemptAt, error) {
      // Guarded by lease owner: a worker whose lease ran out must not reschedule a row another
      // worker now holds.
      await db
        .updateTable('outbox')
        .set({
          next_attempt_at: nextAttemptAt.toISOString(),
          last_error: clip(error),
          lease_until: null,
          lease_owner: null,
        })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .where('lease_owner', '=', workerId)
        .execute();
    },

    async markFailed(id, workerId, error) {
      await db
        .updateTable('outbox')
        .set({ status: 'failed', last_error: clip(error), lease_until: null, lease_owner: null })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .where('lease_owner', '=', workerId)
        .execute();
    },

    async listFailed({ limit = 100 } = {}) {
      const rows = await db
        .selectFrom('outbox')
        .selectAll()
        .where('status', '=', 'failed')
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(toEntry);
    },

    async requeue(id) {
      const result = await db
        .updateTable('outbox')
        .set({ status: 'pending', attempts: 0, next_attempt_at: now() })
        .where('id', '=', id)
        .where('status', '=', 'failed')
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) > 0) return;
      const row = await db.selectFrom('outbox').select('status').where('id', '=', id).executeTakeFirst();
      if (!row) throw new NotFoundError(`Outbox entry ${id} does not exist.`);
      throw new ConflictError(
        `Outbox entry ${id} is ${row.status}, not parked as failed, so it cannot be requeued.`,
        {
          remedy: 'Requeue an entry listed by listFailed.',
        },
      );
    },

    async get(idempotencyKey) {
      const row = await db
        .selectFrom('outbox')
        .selectAll()
        .where('idempotency_key', '=', idempotencyKey)
        .executeTakeFirst();
      return row ? toEntry(row) : null;
    },
  };
}

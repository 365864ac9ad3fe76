/**
 * Notifications that could not be delivered: parked after their last retry, listed for the
 * provider so nothing is lost silently, and requeued once the receiver is fixed.
 */
import type { Actor } from '../../domain/roles/index.js';
import { assertCan } from '../../domain/roles/index.js';
import { ACTION_PERMISSION } from '../action-rights.js';
import { createOutboxRepository } from '../../delivery/outbox/index.js';
import type { OutboxEntry } from '../../delivery/outbox/index.js';
import type { Store } from '../../store/index.js';
import { auditedBy } from '../audit.js';

export async function listFailedDeliveries(
  store: Store,
  actor: Actor,
  options: { limit?: number } = {},
): Promise<OutboxEntry[]> {
  assertCan(actor, 'delivery.read');
  const outbox = createOutboxRepository({ db: store.db, engine: store.engine, now: store.now });
  return outbox.listFailed({ limit: options.limit ?? 100 });
}

/** Puts a parked delivery back in the queue (same idempotency key, so receivers still dedupe). */
export async function requeueDelivery(store: Store, actor: Actor, id: string): Promise<void> {
  assertCan(actor, ACTION_PERMISSION.requeueDelivery);
  await store.transaction(async (tx) => {
    const outbox = createOutboxRepository({ db: tx.db, engine: store.engine, now: store.now });
    await outbox.requeue(id);
    await tx.audit.append(
      auditedBy(actor, {
        tenantId: null,
        action: 'delivery.requeue',
        target: `delivery:${id}`,
        before: { status: 'failed' },
        after: { status: 'pending' },
      }),
    );
  });
}

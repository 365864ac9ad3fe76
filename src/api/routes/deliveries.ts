import { z } from 'zod';
import { PERMISSIONS } from '../../domain/roles/index.js';
import type { Actor } from '../../domain/roles/index.js';
import { listFailedDeliveries, requeueDelivery } from '../../workflows/deliveries/index.js';
import { actorOf } from '../access.js';
import { problems } from './problems.js';
import type { RouteDeps, TypedApp } from './types.js';

const FailedDelivery = z
  .object({
    id: z.string(),
    idempotencyKey: z.string(),
    topic: z.string(),
    receiverId: z.string(),
    channel: z.string(),
    subject: z.string(),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'FailedDelivery' });

export function deliveryRoutes(app: TypedApp, { store }: RouteDeps): void {
  app.get(
    '/api/v1/deliveries/failed',
    {
      config: { roles: PERMISSIONS['delivery.read'] },
      schema: {
        summary: 'Notifications parked as failed after their last retry',
        tags: ['delivery'],
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: { 200: z.object({ deliveries: z.array(FailedDelivery) }), ...problems() },
      },
    },
    async (request) => {
      const entries = await listFailedDeliveries(store, actorOf<Actor>(request), {
        limit: request.query.limit,
      });
      return {
        deliveries: entries.map((entry) => ({
          id: entry.id,
          idempotencyKey: entry.idempotencyKey,
          topic: entry.topic,
          receiverId: entry.receiverId,
          channel: entry.channel,
          subject: entry.subject,
          attempts: entry.attempts,
          lastError: entry.lastError,
          createdAt: entry.createdAt,
        })),
      };
    },
  );

  app.post(
    '/api/v1/deliveries/:deliveryId/requeue',
    {
      config: { roles: PERMISSIONS['delivery.requeue'] },
      schema: {
        summary: 'Put a parked notification back in the queue (same idempotency key)',
        tags: ['delivery'],
        params: z.object({ deliveryId: z.string().min(1).max(200) }),
        response: { 200: z.object({ requeued: z.literal(true) }), ...problems(404, 409) },
      },
    },
    async (request) => {
      await requeueDelivery(store, actorOf<Actor>(request), request.params.deliveryId);
      return { requeued: true as const };
    },
  );
}

import { SIGNATURE_HEADER, signWebhookBody } from '../signing/signature.js';
import { postOnce } from './http-post.js';
import { parseChannelOptions, WebhookChannelOptions } from './schema.js';
import type { Channel, Delivery } from './types.js';

/** The JSON body a webhook receiver gets. Stable across attempts: only headers say which attempt. */
export interface WebhookPayload {
  id: string;
  eventId: string;
  topic: string;
  receiverId: string;
  subject: string;
  text: string;
  data: Record<string, unknown>;
}

/**
 * A generic JSON webhook: POSTs the message, signed with `Ratchet-Signature` (verify with
 * `verifyWebhookSignature`) and carrying `Idempotency-Key` so a receiver can drop a resend.
 *
 * @example
 * const hooks = createWebhookChannel({ url: 'https://ops.example.com/ratchet', secret: process.env.HOOK_SECRET });
 */
export function createWebhookChannel(
  options: WebhookChannelOptions,
  now: () => Date = () => new Date(),
): Channel {
  const config = parseChannelOptions(
    WebhookChannelOptions,
    options,
    'createWebhookChannel',
    '{ url: "https://...", secret: "<at least 16 characters>", timeoutMs?: number }',
  );
  return {
    kind: 'webhook',
    async deliver(delivery: Delivery): Promise<void> {
      const payload: WebhookPayload = {
        id: delivery.idempotencyKey,
        eventId: delivery.eventId,
        topic: delivery.topic,
        receiverId: delivery.receiverId,
        subject: delivery.subject,
        text: delivery.text,
        data: delivery.data,
      };
      const body = JSON.stringify(payload);
      await postOnce({
        url: config.url,
        body,
        timeoutMs: config.timeoutMs,
        headers: {
          'idempotency-key': delivery.idempotencyKey,
          [SIGNATURE_HEADER.toLowerCase()]: signWebhookBody(config.secret, body, now()),
          'ratchet-topic': delivery.topic,
          'ratchet-attempt': String(delivery.attempt),
        },
      });
    },
  };
}

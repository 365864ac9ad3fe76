import { createHash } from 'node:crypto';

import nodemailer from 'nodemailer';

import { DeliveryError } from './errors.js';
import { EmailChannelOptions, parseChannelOptions } from './schema.js';
import type { Channel, Delivery } from './types.js';

/** The header carrying the raw idempotency key; `Message-ID` carries a hash of it. */
export const EMAIL_IDEMPOTENCY_HEADER = 'Ratchet-Idempotency-Key';

function domainOf(address: string): string {
  const match = /@([^>\s]+)>?\s*$/.exec(address);
  return match?.[1] ?? 'ratchet.invalid';
}

/**
 * RFC 5322 `Message-ID` derived from the idempotency key: every resend of one entry carries the same
 * id, so mail systems and clients that deduplicate on it show the message once. Hashed because the
 * key may hold characters a msg-id may not.
 */
export function messageIdFor(idempotencyKey: string, from: string): string {
  const digest = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40);
  return `<ratchet.${digest}@${domainOf(from)}>`;
}

interface SmtpFailure {
  code?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

/**
 * RFC 5321 reply codes: 4yz is a transient failure (try later), 5yz permanent (unknown mailbox,
 * rejected sender, failed authentication). No reply at all (refused, timed out) is transient.
 */
function classify(error: unknown, host: string): DeliveryError {
  const failure = error as SmtpFailure;
  const reply = failure.response ?? failure.message ?? String(error);
  if (typeof failure.responseCode === 'number') {
    return new DeliveryError(`SMTP ${host} refused the message: ${reply}`, {
      retryable: failure.responseCode < 500,
      status: failure.responseCode,
      cause: error,
    });
  }
  return new DeliveryError(`SMTP ${host} failed: ${failure.code ?? ''} ${reply}`.replace(/\s+/g, ' '), {
    retryable: failure.code !== 'EENVELOPE' && failure.code !== 'EMESSAGE',
    cause: error,
  });
}

/**
 * Plain-text email over SMTP. The receiver's `address` is the recipient (else the channel's `to`).
 *
 * @example
 * const mail = createEmailChannel({ host: 'smtp.example.com', port: 587, from: 'Ratchet <ratchet@example.com>',
 *   auth: { user: 'ratchet', pass: process.env.SMTP_PASSWORD } });
 */
export function createEmailChannel(options: EmailChannelOptions): Channel {
  const config = parseChannelOptions(
    EmailChannelOptions,
    options,
    'createEmailChannel',
    '{ host, port, from: "Ratchet <ratchet@example.com>", to?, secure?, requireTLS?, auth?: { user, pass }, timeoutMs? }',
  );
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    requireTLS: config.requireTLS,
    auth: config.auth,
    connectionTimeout: config.timeoutMs,
    greetingTimeout: config.timeoutMs,
    socketTimeout: config.timeoutMs,
  });
  return {
    kind: 'email',
    async deliver(delivery: Delivery): Promise<void> {
      const to = delivery.address ?? config.to;
      if (!to) {
        throw new DeliveryError(
          `receiver ${delivery.receiverId} has no email address and the channel no default "to"`,
          {
            retryable: false,
          },
        );
      }
      try {
        await transport.sendMail({
          from: config.from,
          to,
          subject: delivery.subject,
          text: delivery.text,
          messageId: messageIdFor(delivery.idempotencyKey, config.from),
          headers: { [EMAIL_IDEMPOTENCY_HEADER]: delivery.idempotencyKey, 'Ratchet-Topic': delivery.topic },
        });
      } catch (error) {
        throw classify(error, config.host);
      }
    },
  };
}

import { createHmac, timingSafeEqual } from 'node:crypto';

import { UnauthenticatedError } from '../../domain/errors/index.js';

/** The header every signed request (webhook notification, deploy request, deploy callback) carries. */
export const SIGNATURE_HEADER = 'Ratchet-Signature';

export interface VerifyOptions {
  /** How far the signed timestamp may be from `now`, either way; bounds replays. */
  toleranceSeconds?: number;
  now?: Date;
}

function hmacHex(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * The `Ratchet-Signature` value for `body`: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`.
 * The timestamp is inside the MAC so a captured request cannot be replayed later with a fresh `t`.
 *
 * @example
 * const header = signWebhookBody(secret, JSON.stringify(payload));
 * await fetch(url, { method: 'POST', body, headers: { 'Ratchet-Signature': header } });
 */
export function signWebhookBody(secret: string, body: string, now: Date = new Date()): string {
  const timestamp = Math.floor(now.getTime() / 1000);
  return `t=${timestamp},v1=${hmacHex(secret, timestamp, body)}`;
}

/**
 * Checks a `Ratchet-Signature` header against the raw request body (the exact bytes received, not a
 * re-serialised object). Throws `UnauthenticatedError` for a missing, malformed or wrong signature
 * and for a timestamp outside the tolerance window (a replay). Several `v1=` entries are accepted so
 * a sender can sign with an old and a new secret while the secret is rotated.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  body: string,
  options: VerifyOptions = {},
): void {
  const toleranceSeconds = options.toleranceSeconds ?? 300;
  const now = options.now ?? new Date();
  const remedy = `Sign the raw body as ${SIGNATURE_HEADER}: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">.`;
  if (!header) {
    throw new UnauthenticatedError(`The request carries no ${SIGNATURE_HEADER} header.`, { remedy });
  }
  let timestamp: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && value && /^\d+$/.test(value)) timestamp = Number(value);
    if (key === 'v1' && value && /^[0-9a-f]{64}$/.test(value)) candidates.push(value);
  }
  if (timestamp === undefined || candidates.length === 0) {
    throw new UnauthenticatedError(`The ${SIGNATURE_HEADER} header is malformed.`, { remedy });
  }
  const ageSeconds = Math.abs(now.getTime() / 1000 - timestamp);
  if (ageSeconds > toleranceSeconds) {
    throw new UnauthenticatedError(
      `The signature timestamp is ${Math.round(ageSeconds)} s away from now, more than the ${toleranceSeconds} s allowed; the request may be a replay.`,
      { remedy: 'Send a freshly signed request and check the sender clock.', extra: { timestamp } },
    );
  }
  const expected = Buffer.from(hmacHex(secret, timestamp, body), 'hex');
  // Constant-time comparison: a byte-by-byte early exit would leak how much of a forged MAC matched.
  const matches = candidates.some((candidate) => timingSafeEqual(Buffer.from(candidate, 'hex'), expected));
  if (!matches) {
    throw new UnauthenticatedError('The signature does not match the body.', { remedy });
  }
}

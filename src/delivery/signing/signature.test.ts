import { describe, expect, it } from 'vitest';

import { UnauthenticatedError } from '../../domain/errors/index.js';
import { signWebhookBody, verifyWebhookSignature } from './signature.js';

const SECRET = 'whsec_0123456789abcdef';
const BODY = JSON.stringify({ topic: 'rollback.approved', data: { package: 'dbt-core' } });
const SIGNED_AT = new Date('2025-03-01T10:00:00Z');

describe('webhook signatures', () => {
  it('has the t=<unix>,v1=<hex> shape and verifies with the same secret and body', () => {
    const header = signWebhookBody(SECRET, BODY, SIGNED_AT);

    expect(header).toMatch(/^t=1740823200,v1=[0-9a-f]{64}$/);
    expect(() => verifyWebhookSignature(SECRET, header, BODY, { now: SIGNED_AT })).not.toThrow();
  });

  it('rejects a tampered body', () => {
    const header = signWebhookBody(SECRET, BODY, SIGNED_AT);
    const tampered = BODY.replace('dbt-core', 'dbt-snowflake');

    expect(() => verifyWebhookSignature(SECRET, header, tampered, { now: SIGNED_AT })).toThrow(
      /does not match the body/,
    );
  });

  it('rejects a signature made with another secret', () => {
    const header = signWebhookBody('whsec_someone-else-entirely', BODY, SIGNED_AT);

    expect(() => verifyWebhookSignature(SECRET, header, BODY, { now: SIGNED_AT })).toThrow(
      UnauthenticatedError,
    );
  });

  it('rejects a replay outside the tolerance window, and accepts one inside it', () => {
    const header = signWebhookBody(SECRET, BODY, SIGNED_AT);
    const sixMinutesLater = new Date(SIGNED_AT.getTime() + 6 * 60_000);
    const fourMinutesLater = new Date(SIGNED_AT.getTime() + 4 * 60_000);

    expect(() => verifyWebhookSignature(SECRET, header, BODY, { now: sixMinutesLater })).toThrow(/replay/);
    expect(() => verifyWebhookSignature(SECRET, header, BODY, { now: fourMinutesLater })).not.toThrow();
    expect(() =>
      verifyWebhookSignature(SECRET, header, BODY, { now: fourMinutesLater, toleranceSeconds: 60 }),
    ).toThrow(/replay/);
  });

  it('rejects a re-stamped timestamp, since the timestamp is inside the MAC', () => {
    const header = signWebhookBody(SECRET, BODY, SIGNED_AT);
    const restamped = header.replace('t=1740823200', 't=1740823500');

    expect(() =>
      verifyWebhookSignature(SECRET, restamped, BODY, { now: new Date('2025-03-01T10:05:00Z') }),
    ).toThrow(/does not match/);
  });

  it('rejects a missing or malformed header, and accepts any matching v1 during secret rotation', () => {
    expect(() => verifyWebhookSignature(SECRET, undefined, BODY)).toThrow(/no Ratchet-Signature/);
    expect(() => verifyWebhookSignature(SECRET, 'sha256=abc', BODY)).toThrow(/malformed/);

    const oldSecret = signWebhookBody('whsec_the-old-secret-value', BODY, SIGNED_AT);
    const current = signWebhookBody(SECRET, BODY, SIGNED_AT).split(',')[1];
    expect(() =>
      verifyWebhookSignature(SECRET, `${oldSecret},${current}`, BODY, { now: SIGNED_AT }),
    ).not.toThrow();
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { InputError } from '../../domain/errors/index.js';
import { verifyWebhookSignature } from '../signing/signature.js';
import { startHttpReceiver, startSmtpSink, unusedUrl } from '../testkit/index.js';
import type { HttpReceiver, SmtpSink } from '../testkit/index.js';
import { createEmailChannel, messageIdFor } from './email.js';
import { DeliveryError } from './errors.js';
import { createSlackChannel } from './slack.js';
import type { Delivery } from './types.js';
import { createWebhookChannel } from './webhook.js';

const SECRET = 'whsec_0123456789abcdef';

const delivery: Delivery = {
  idempotencyKey: 'evt-42:ops',
  eventId: 'evt-42',
  topic: 'hotfix.deployed',
  receiverId: 'ops',
  address: 'admin@acme.test',
  subject: 'Hotfix 2.8.1 deployed',
  text: 'Airflow 2.8.1 fixes the scheduler deadlock you reported.',
  data: { release: '2.8.1' },
  attempt: 1,
};

async function failureOf(promise: Promise<unknown>): Promise<DeliveryError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

describe('webhook channel', () => {
  let receiver: HttpReceiver | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  it('POSTs the message as JSON, signed, with the idempotency key', async () => {
    receiver = await startHttpReceiver();
    await createWebhookChannel({ url: receiver.url, secret: SECRET }).deliver(delivery);

    const [request] = receiver.requests;
    expect(request?.method).toBe('POST');
    expect(request?.headers['idempotency-key']).toBe('evt-42:ops');
    expect(JSON.parse(request!.body)).toMatchObject({
      id: 'evt-42:ops',
      topic: 'hotfix.deployed',
      data: { release: '2.8.1' },
    });
    const signature = request?.headers['ratchet-signature'] as string;
    expect(() => verifyWebhookSignature(SECRET, signature, request!.body)).not.toThrow();
  });

  it('treats 400 as permanent and 500, 408 and 429 as retryable', async () => {
    const statuses = [400, 500, 408, 429, 404];
    receiver = await startHttpReceiver((index) => ({ status: statuses[index]!, body: `answer ${index}` }));
    const channel = createWebhookChannel({ url: receiver.url, secret: SECRET });

    const verdicts = [];
    for (const _status of statuses) verdicts.push((await failureOf(channel.deliver(delivery))).retryable);

    expect(verdicts).toEqual([false, true, true, true, false]);
  });

  it('reports a receiver that is down as retryable', async () => {
    const channel = createWebhookChannel({ url: await unusedUrl(), secret: SECRET });

    const error = await failureOf(channel.deliver(delivery));

    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  it('gives up on a slow receiver after the timeout, as retryable', async () => {
    receiver = await startHttpReceiver(() => ({ status: 200, delayMs: 5_000 }));
    const channel = createWebhookChannel({ url: receiver.url, secret: SECRET, timeoutMs: 300 });

    const started = Date.now();
    const error = await failureOf(channel.deliver(delivery));

    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/did not answer within 300 ms/);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('fails fast at construction on a bad URL or short secret', () => {
    expect(() => createWebhookChannel({ url: 'ftp://x', secret: SECRET })).toThrow(InputError);
    expect(() => createWebhookChannel({ url: 'https://ops.example.com', secret: 'short' })).toThrow(
      /secret must be at least 16 characters/,
    );
  });
});

describe('Slack-compatible channel', () => {
  it('POSTs { text, blocks } with the subject as header', async () => {
    const receiver = await startHttpReceiver(() => ({ status: 200, body: 'ok' }));
    try {
      await createSlackChannel({ url: receiver.url }).deliver(delivery);

      const body = JSON.parse(receiver.requests[0]!.body) as { text: string; blocks: unknown[] };
      expect(body.text).toContain('Hotfix 2.8.1 deployed');
      expect(body.blocks[0]).toEqual({
        type: 'header',
        text: { type: 'plain_text', text: 'Hotfix 2.8.1 deployed' },
      });
      expect(JSON.stringify(body.blocks[1])).toContain('scheduler deadlock');
    } finally {
      await receiver.close();
    }
  });
});

describe('email channel (real SMTP server process)', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink.stop();
  });

  it('sends plain text to the receiver address with a Message-ID derived from the idempotency key', async () => {
    const channel = createEmailChannel({
      host: '127.0.0.1',
      port: sink.port,
      from: 'Ratchet <ratchet@provider.test>',
    });

    await channel.deliver(delivery);
    const [mail] = await sink.waitFor(1);

    expect(mail?.from).toBe('ratchet@provider.test');
    expect(mail?.to).toEqual(['admin@acme.test']);
    expect(mail?.raw).toMatch(/^Subject: Hotfix 2\.8\.1 deployed\r?$/m);
    expect(mail?.raw).toContain('Airflow 2.8.1 fixes the scheduler deadlock you reported.');
    // RFC 5322 folding: a long header may continue on the next line after whitespace.
    const unfolded = mail!.raw.replace(/\r?\n[ \t]+/g, ' ');
    expect(unfolded).toContain(`Message-ID: ${messageIdFor('evt-42:ops', 'ratchet@provider.test')}`);
    expect(mail?.raw).toMatch(/^Ratchet-Idempotency-Key: evt-42:ops\r?$/m);
  });

  it('treats a 550 refusal as permanent and an unreachable server as retryable', async () => {
    const channel = createEmailChannel({ host: '127.0.0.1', port: sink.port, from: 'ratchet@provider.test' });
    const refused = await failureOf(channel.deliver({ ...delivery, address: 'reject-me@acme.test' }));
    expect(refused).toMatchObject({ retryable: false, status: 550 });

    const down = createEmailChannel({
      host: '127.0.0.1',
      port: Number(new URL(await unusedUrl()).port),
      from: 'ratchet@provider.test',
    });
    expect((await failureOf(down.deliver(delivery))).retryable).toBe(true);
  });
});

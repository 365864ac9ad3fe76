/**
 * Issue 8, "two `ratchet serve` processes and a worker on one PostgreSQL database": the worker is
 * its own process (`ratchet worker`), delivers what any server enqueued, and stops cleanly; on
 * SQLite, where one process owns a data directory, it refuses with what to do instead.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboxRepository } from '../../src/delivery/outbox/index.js';
import { startHttpReceiver } from '../../src/delivery/testkit/index.js';
import type { HttpReceiver } from '../../src/delivery/testkit/index.js';
import { verifyWebhookSignature } from '../../src/delivery/signing/index.js';
import { runRatchet } from '../support/cli.js';
import { engines } from '../support/engines.js';
import { cleanEnvironment, createSite, RATCHET_BIN, waitFor } from '../support/processes.js';
import type { Site } from '../support/processes.js';

const SECRET = 'worker-test-secret-0123456789';

describe.runIf(engines.includes('postgres'))('ratchet worker on PostgreSQL', () => {
  let site: Site;
  let receiver: HttpReceiver;
  let worker: ChildProcess | undefined;

  beforeAll(async () => {
    site = await createSite('postgres');
    receiver = await startHttpReceiver(() => ({ status: 200 }));
  });
  afterAll(async () => {
    if (worker !== undefined && worker.exitCode === null) worker.kill('SIGKILL');
    await receiver.close();
    await site.destroy();
  });

  it('delivers what a server enqueued, signed, and stops on SIGTERM', async () => {
    // As a server would: a notification committed to the outbox, for the provider on-call channel.
    const store = await site.open();
    const outbox = createOutboxRepository({ db: store.db, engine: store.engine });
    await outbox.enqueue(store.db, {
      topic: 'worker.test',
      eventId: 'worker-test-1',
      receivers: [{ id: 'group:provider-on-call', channel: 'provider-on-call' }],
      subject: 'Delivered by the worker',
      text: 'hello',
      data: {},
    });
    const child = spawn(RATCHET_BIN, ['worker', '--json'], {
      env: cleanEnvironment({
        RATCHET_DATABASE_URL: site.databaseUrl!,
        RATCHET_ONCALL_WEBHOOK_URL: receiver.url,
        RATCHET_WEBHOOK_SECRET: SECRET,
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker = child;
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitFor('the worker to announce itself', () => stdout.includes('"worker"'), 30_000).catch(
      (error: unknown) => {
        throw new Error(`${String(error)}\n${stderr}`);
      },
    );
    expect(JSON.parse(stdout)).toEqual({ worker: 'started', channels: ['provider-on-call'] });
    await waitFor('the delivery', () => receiver.requests.length > 0, 30_000);
    const [sent] = receiver.requests;
    expect(() =>
      verifyWebhookSignature(SECRET, sent!.headers['ratchet-signature'] as string, sent!.body),
    ).not.toThrow();
    expect(JSON.parse(sent!.body)).toMatchObject({
      topic: 'worker.test',
      subject: 'Delivered by the worker',
    });
    await waitFor(
      'the row to be marked delivered',
      async () =>
        (
          await store.db
            .selectFrom('outbox')
            .select('status')
            .where('event_id', '=', 'worker-test-1')
            .executeTakeFirst()
        )?.status === 'delivered',
      10_000,
    );
    await store.close();

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});

describe('ratchet worker without PostgreSQL', () => {
  it('refuses with exit 2 and says that `ratchet serve` delivers on SQLite', async () => {
    const run = await runRatchet(['worker'], cleanEnvironment());
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/A separate worker needs PostgreSQL/);
    expect(run.stderr).toMatch(/ratchet serve. delivers notifications itself/);
  });
});

import { afterEach, describe, expect, it } from 'vitest';

import { InputError, UnauthenticatedError } from '../../domain/errors/index.js';
import { signWebhookBody, verifyWebhookSignature } from '../signing/signature.js';
import { startHttpReceiver, unusedUrl } from '../testkit/index.js';
import type { HttpReceiver } from '../testkit/index.js';
import { createDeployer } from './create.js';
import type { DeployRequest } from './types.js';
import { createWebhookDeployer, verifyDeployCallback, WEBHOOK_DEPLOY_RETRIES } from './webhook.js';

const SECRET = 'deploy-secret-0123456789';

const request: DeployRequest = {
  instanceId: 'ins_acme_prod',
  revision: 7,
  files: {
    'requirements.txt': 'dbt-core==1.10.4\ndbt-snowflake==1.10.2\n',
    'pylock.toml': 'lock-version = "1.0"\n',
  },
  metadata: { rollbackRequest: 'rbr_1', requestedBy: 'usr_admin' },
};

describe('createDeployer', () => {
  it('fails fast with a sentence on an invalid config', () => {
    expect(() => createDeployer({ kind: 'ftp' })).toThrow(InputError);
    expect(() => createDeployer({ kind: 'command', command: [] })).toThrow(
      /command must name at least the program to run.*Pass \{ kind: 'record' \}/,
    );
    expect(() => createDeployer({ kind: 'webhook', url: 'https://deploy.example.com', secret: 'x' })).toThrow(
      /secret must be at least 16 characters/,
    );
  });

  it('record deployer waits for a human confirmation', async () => {
    await expect(createDeployer({ kind: 'record' }).deploy(request)).resolves.toEqual({
      status: 'awaiting-confirmation',
    });
  });
});

describe('command deployer (real child processes)', () => {
  it('succeeds on exit 0 and hands the files and revision to the command', async () => {
    const deployer = createDeployer({
      kind: 'command',
      command: [
        'sh',
        '-c',
        'grep -q "dbt-core==1.10.4" "$RATCHET_REQUIREMENTS" && grep -q lock-version "$RATCHET_PYLOCK" && ' +
          'test "$RATCHET_INSTANCE" = ins_acme_prod && test "$RATCHET_REVISION" = 7 && grep -q rbr_1 "$RATCHET_METADATA"',
      ],
      timeoutMs: 10_000,
    });

    await expect(deployer.deploy(request)).resolves.toEqual({ status: 'deployed' });
  });

  it('fails when the files do not hold what the command expects', async () => {
    const deployer = createDeployer({
      kind: 'command',
      command: ['sh', '-c', 'grep -q "dbt-core==1.11" "$RATCHET_REQUIREMENTS"'],
      timeoutMs: 10_000,
    });

    await expect(deployer.deploy(request)).resolves.toMatchObject({ status: 'failed' });
  });

  it('reports a non-zero exit with the stderr tail as the reason', async () => {
    const deployer = createDeployer({
      kind: 'command',
      command: ['sh', '-c', 'echo "starting" >&2; echo "cluster quota exceeded" >&2; exit 3'],
      timeoutMs: 10_000,
    });

    const result = await deployer.deploy(request);

    expect(result).toEqual({
      status: 'failed',
      reason: 'deploy command exited with code 3: starting\ncluster quota exceeded',
    });
  });

  it('passes request data verbatim through env, never through a shell', async () => {
    const hostile = { ...request, instanceId: '$(touch /tmp/ratchet-pwned); x' };
    const deployer = createDeployer({
      kind: 'command',
      command: ['sh', '-c', 'printf %s "$RATCHET_INSTANCE" >&2; exit 1'],
      timeoutMs: 10_000,
    });

    const result = await deployer.deploy(hostile);

    expect(result).toEqual({
      status: 'failed',
      reason: `deploy command exited with code 1: ${hostile.instanceId}`,
    });
  });

  it('kills a command that runs past its timeout, children included', async () => {
    const deployer = createDeployer({
      kind: 'command',
      command: ['sh', '-c', 'echo "waiting for rollout" >&2; sleep 30; echo done'],
      timeoutMs: 500,
    });

    const started = Date.now();
    const result = await deployer.deploy(request);

    expect(result).toEqual({
      status: 'failed',
      reason: 'deploy command timed out after 500 ms and was killed: waiting for rollout',
    });
    // Well under the SIGKILL grace: the sleeping child died with the group and released stderr.
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('reports a program that does not exist', async () => {
    const deployer = createDeployer({ kind: 'command', command: ['/nonexistent/deploy'], timeoutMs: 1_000 });

    await expect(deployer.deploy(request)).resolves.toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('ENOENT'),
    });
  });
});

describe('webhook deployer', () => {
  let receiver: HttpReceiver | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  it('POSTs the signed revision and waits for the callback', async () => {
    receiver = await startHttpReceiver(() => ({ status: 202 }));
    const deployer = createDeployer({ kind: 'webhook', url: receiver.url, secret: SECRET });

    await expect(deployer.deploy(request)).resolves.toEqual({ status: 'awaiting-callback' });

    const [received] = receiver.requests;
    expect(() =>
      verifyWebhookSignature(SECRET, received!.headers['ratchet-signature'] as string, received!.body),
    ).not.toThrow();
    expect(received!.headers['idempotency-key']).toBe('ins_acme_prod:7');
    expect(JSON.parse(received!.body)).toEqual({
      instanceId: 'ins_acme_prod',
      revision: 7,
      files: request.files,
      metadata: request.metadata,
    });
  });

  it('fails at once when the target refuses the request itself (4xx)', async () => {
    receiver = await startHttpReceiver(() => ({ status: 422, body: 'unknown instance' }));
    const refused = await createDeployer({ kind: 'webhook', url: receiver.url, secret: SECRET }).deploy(
      request,
    );
    expect(refused).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('422: unknown instance'),
    });
    expect(receiver.requests).toHaveLength(1);
  });

  it('retries a target that answers 5xx, with backoff, the same key and a fresh signature', async () => {
    let answered = 0;
    receiver = await startHttpReceiver(() => (++answered <= 2 ? { status: 503 } : { status: 202 }));
    const waits: number[] = [];
    const deployer = createWebhookDeployer({
      url: receiver.url,
      secret: SECRET,
      timeoutMs: 2_000,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    await expect(deployer.deploy(request)).resolves.toEqual({ status: 'awaiting-callback' });
    expect(receiver.requests).toHaveLength(3);
    for (const sent of receiver.requests) {
      expect(sent.headers['idempotency-key']).toBe('ins_acme_prod:7');
      expect(() =>
        verifyWebhookSignature(SECRET, sent.headers['ratchet-signature'] as string, sent.body),
      ).not.toThrow();
    }
    // Exponential with jitter: the second wait's ceiling is twice the first's.
    const { baseMs } = WEBHOOK_DEPLOY_RETRIES.backoff;
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeGreaterThanOrEqual(baseMs / 2);
    expect(waits[0]).toBeLessThanOrEqual(baseMs);
    expect(waits[1]).toBeGreaterThanOrEqual(baseMs);
    expect(waits[1]).toBeLessThanOrEqual(2 * baseMs);
  });

  it('gives up on a target that stays down after the last attempt, and says how often it tried', async () => {
    const waits: number[] = [];
    const down = await createWebhookDeployer({
      url: await unusedUrl(),
      secret: SECRET,
      timeoutMs: 2_000,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    }).deploy(request);
    expect(down).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/ECONNREFUSED.*\(after 4 attempts\)$/),
    });
    expect(waits).toHaveLength(WEBHOOK_DEPLOY_RETRIES.attempts - 1);
  });
});

describe('verifyDeployCallback', () => {
  const at = new Date('2025-03-01T10:00:00Z');
  const body = JSON.stringify({
    instanceId: 'ins_acme_prod',
    revision: 7,
    status: 'failed',
    reason: 'image pull',
  });

  it('returns the outcome of a correctly signed callback, whatever the header case', () => {
    const headers = { 'Ratchet-Signature': signWebhookBody(SECRET, body, at) };

    expect(verifyDeployCallback(SECRET, headers, body, { now: at })).toEqual({
      instanceId: 'ins_acme_prod',
      revision: 7,
      status: 'failed',
      reason: 'image pull',
    });
  });

  it('rejects a forged, tampered or replayed callback', () => {
    const headers = { 'ratchet-signature': signWebhookBody(SECRET, body, at) };
    const tampered = body.replace('failed', 'deployed');
    const muchLater = new Date(at.getTime() + 3600_000);

    expect(() => verifyDeployCallback(SECRET, headers, tampered, { now: at })).toThrow(UnauthenticatedError);
    expect(() => verifyDeployCallback('another-secret-entirely', headers, body, { now: at })).toThrow(
      UnauthenticatedError,
    );
    expect(() => verifyDeployCallback(SECRET, headers, body, { now: muchLater })).toThrow(/replay/);
    expect(() => verifyDeployCallback(SECRET, {}, body, { now: at })).toThrow(UnauthenticatedError);
  });

  it('rejects a signed callback with a bad shape', () => {
    const noReason = JSON.stringify({ instanceId: 'ins_acme_prod', revision: 7, status: 'failed' });
    const headers = { 'ratchet-signature': signWebhookBody(SECRET, noReason, at) };

    expect(() => verifyDeployCallback(SECRET, headers, noReason, { now: at })).toThrow(
      /reason a failed deploy must say why/,
    );
  });
});

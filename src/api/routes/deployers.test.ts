/**
 * Deployers over real HTTP: the config routes (the secret never comes back), and a webhook deploy
 * target (a real HTTP server) that receives the signed revision and calls back to the public
 * callback route; forged, tampered and stale callbacks get 401 and change nothing.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhookBody, verifyWebhookSignature } from '../../delivery/signing/index.js';
import { startTestServer } from '../test-server.js';
import type { TestServer } from '../test-server.js';

const SECRET = 'deploy-target-secret-42';
const PROD = '/api/v1/instances/acme%2Facme-prod';

interface DeployTarget {
  url: string;
  received: { instanceId: string; revision: number; files: Record<string, string> }[];
  /** Reports the last revision it got as deployed, signed, to Ratchet's callback route. */
  callBack(callbackUrl: string): Promise<number>;
  close(): Promise<void>;
}

/** A deploy target as a customer platform runs one: verifies Ratchet's signature, answers 202, calls back later. */
async function startDeployTarget(): Promise<DeployTarget> {
  const received: DeployTarget['received'] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      try {
        verifyWebhookSignature(SECRET, req.headers['ratchet-signature'] as string, body);
      } catch {
        res.writeHead(401).end();
        return;
      }
      received.push(JSON.parse(body) as DeployTarget['received'][number]);
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/deploy`,
    received,
    async callBack(callbackUrl) {
      const last = received.at(-1)!;
      const body = JSON.stringify({
        instanceId: last.instanceId,
        revision: last.revision,
        status: 'deployed',
      });
      const response = await fetch(callbackUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'ratchet-signature': signWebhookBody(SECRET, body) },
        body,
      });
      return response.status;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function until<T>(probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('timed out waiting');
}

describe('deployer routes', () => {
  let server: TestServer;
  let target: DeployTarget;
  let pete: string;
  let bea: string;
  beforeAll(async () => {
    server = await startTestServer();
    target = await startDeployTarget();
    pete = server.seed.users.providerEngineer.token;
    bea = server.seed.users.bea.token;
  });
  afterAll(async () => {
    await server.close();
    await target.close();
  });

  it('stores a webhook secret without ever returning it; customers see the kind only', async () => {
    const initial = await server.call('GET', `${PROD}/deployer`, { token: pete });
    expect(initial.json).toMatchObject({ kind: 'record', updatedAt: null });
    const noSecret = await server.call('PUT', `${PROD}/deployer`, {
      token: pete,
      body: { kind: 'webhook', url: target.url },
    });
    expect(noSecret.status).toBe(400);
    expect(noSecret.json.detail).toMatch(/needs a secret/);
    const put = await server.call('PUT', `${PROD}/deployer`, {
      token: pete,
      body: { kind: 'webhook', url: target.url, secret: SECRET },
    });
    expect(put.status, put.text).toBe(200);
    expect(put.json).toMatchObject({ kind: 'webhook', url: target.url, secretSet: true });
    // Keeping the stored secret while changing the timeout.
    const kept = await server.call('PUT', `${PROD}/deployer`, {
      token: pete,
      body: { kind: 'webhook', url: target.url, timeoutMs: 5_000 },
    });
    expect(kept.json).toMatchObject({ secretSet: true, timeoutMs: 5_000 });
    const shown = await server.call('GET', `${PROD}/deployer`, { token: pete });
    const audit = await server.call('GET', '/api/v1/audit?limit=1000', { token: pete });
    expect(audit.text).toContain('image.deployer.set');
    for (const text of [put.text, kept.text, shown.text, audit.text]) expect(text).not.toContain(SECRET);
    const customer = await server.call('GET', `${PROD}/deployer`, { token: bea });
    expect(customer.json).toEqual({
      instanceId: server.seed.instances.acmeProd.id,
      instanceName: 'acme-prod',
      kind: 'webhook',
    });
    const refused = await server.call('PUT', `${PROD}/deployer`, { token: bea, body: { kind: 'record' } });
    expect(refused.status).toBe(403);
  });

  it('hands an accepted rollback to the webhook target and moves only on its signed callback', async () => {
    const requested = await server.call('POST', `${PROD}/image/rollback-requests`, {
      token: bea,
      body: { package: 'dbt-core', target: '==1.10.*', reason: 'broken models' },
    });
    const id = String(requested.json.id);
    await server.call('POST', `/api/v1/rollback-requests/${id}/approve`, {
      token: pete,
      body: { reason: 'ok', urgent: true },
    });
    const accepted = await server.call('POST', `/api/v1/rollback-requests/${id}/accept`, {
      token: bea,
      body: { reportHash: requested.json.reportHash },
    });
    expect(accepted.json.state).toBe('deploying');
    const handed = await until(() => target.received.at(-1));
    expect(handed.files['requirements.txt']).toMatch(
      /^dbt-core==1\.10\.15 \\\n {4}--hash=sha256:[0-9a-f]{64}$/m,
    );
    const revision = handed.revision;

    const body = JSON.stringify({ instanceId: handed.instanceId, revision, status: 'deployed' });
    const attempts: Record<string, string>[] = [
      { 'ratchet-signature': signWebhookBody('forged-secret-0123456789', body) },
      { 'ratchet-signature': signWebhookBody(SECRET, body.replace('deployed', 'failed')) },
      { 'ratchet-signature': signWebhookBody(SECRET, body, new Date(Date.now() - 3_600_000)) },
      {},
    ];
    const auditBefore = await server.store.repos.audit.count();
    for (const headers of attempts) {
      const answer = await server.call('POST', '/api/v1/deployments/callback', {
        rawBody: body,
        headers,
        token: pete, // A bearer token grants nothing here: only the signature counts.
      });
      expect(answer.status).toBe(401);
      expect(answer.contentType).toMatch(/problem\+json/);
    }
    expect(await server.store.repos.audit.count()).toBe(auditBefore);
    const stillPending = await server.call('GET', `/api/v1/rollback-requests/${id}`, { token: pete });
    expect(stillPending.json.state).toBe('deploying');

    expect(await target.callBack(`${server.url}/api/v1/deployments/callback`)).toBe(200);
    const done = await server.call('GET', `/api/v1/rollback-requests/${id}`, { token: pete });
    expect(done.json.state).toBe('deployed');
    const image = await server.call('GET', `${PROD}/image`, { token: bea });
    expect((image.json.current as { number: number }).number).toBe(revision);
  });
});

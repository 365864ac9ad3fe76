/**
 * Deployer hand-off on every engine, with real child processes and a real HTTP deploy target: a
 * command that fails (the instance stays put, retry works) and succeeds (resumed after a "crash"),
 * and a webhook whose signed callback is the only thing that can move the instance.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, openTestStore } from '../../../test/support/engines.js';
import type { TestStore } from '../../../test/support/engines.js';
import { signWebhookBody } from '../../delivery/signing/index.js';
import { startHttpReceiver } from '../../delivery/testkit/index.js';
import type { HttpReceiver } from '../../delivery/testkit/index.js';
import type { ImageContent } from '../../domain/revisions/index.js';
import type { Actor } from '../../domain/roles/index.js';
import type { User } from '../../domain/users/index.js';
import type { Store } from '../../store/index.js';
import { seedDemo } from '../demo.js';
import { acceptRollback, approveRollback, requestRollback, retryImageDeployment } from '../image/index.js';
import type { ImageChangeRecord } from '../image/index.js';
import type { DemoSeed } from '../types.js';
import {
  getInstanceDeployer,
  handOffDeployment,
  receiveDeployCallback,
  resumePendingDeployments,
  setInstanceDeployer,
} from './index.js';
import { readDeployer } from './stored-config.js';

const SECRET = 'deploy-secret-0123456789';

function actorOf(user: User): Actor {
  return { userId: user.id, name: user.name, role: user.role, tenantId: user.tenantId };
}

async function snapshot(store: Store, instanceId: string): Promise<unknown> {
  return {
    audit: await store.repos.audit.count(),
    revisions: (await store.repos.revisions.list(instanceId, 'image')).map((r) => [r.number, r.status]),
    current: (await store.repos.revisions.current(instanceId, 'image'))?.number,
  };
}

/** The deployer row as the database holds it, secret and all. */
async function storedRow(store: Store, instanceId: string): Promise<{ config: string }> {
  return store.db
    .selectFrom('instance_deployers')
    .select('config')
    .where('instance_id', '=', instanceId)
    .executeTakeFirstOrThrow();
}

// The operator's allow-list (allow-list.ts): these tests run deploy scripts through `sh`.
const allowListBefore = process.env['RATCHET_DEPLOY_COMMANDS'];
beforeAll(() => {
  process.env['RATCHET_DEPLOY_COMMANDS'] = 'sh';
});
afterAll(() => {
  if (allowListBefore === undefined) delete process.env['RATCHET_DEPLOY_COMMANDS'];
  else process.env['RATCHET_DEPLOY_COMMANDS'] = allowListBefore;
});

describe.each(engines)('deployer hand-off (%s)', (engine) => {
  let t: TestStore;
  let seed: DemoSeed;
  let bea: Actor;
  let pete: Actor;
  let receiver: HttpReceiver;

  beforeAll(async () => {
    t = await openTestStore(engine);
    seed = await seedDemo(t.store);
    bea = actorOf(seed.users.bea.user);
    pete = actorOf(seed.users.providerEngineer.user);
    receiver = await startHttpReceiver(() => ({ status: 202 }));
  });
  afterAll(async () => {
    await receiver.close();
    await t.destroy();
  });

  /** A customer-approved rollback of dbt-core on `instance`, its revision pending with the deployer. */
  async function acceptedRollback(instance: string): Promise<ImageChangeRecord> {
    const request = await requestRollback(t.store, bea, {
      instance,
      package: 'dbt-core',
      target: '==1.10.*',
      reason: 'incremental models broke on 1.11',
    });
    await approveRollback(t.store, pete, { id: request.id, reason: 'reviewed', urgent: true });
    const accepted = await acceptRollback(t.store, bea, { id: request.id, reportHash: request.reportHash });
    expect(accepted.stages.map((s) => s.status)).toEqual(['pending']);
    return accepted;
  }

  it('command: a failure leaves the instance on its previous revision; a retry resumed after a crash deploys', async () => {
    const { store } = t;
    const instance = seed.instances.acmeTest;
    await setInstanceDeployer(store, pete, {
      instance: 'acme/acme-test',
      deployer: {
        kind: 'command',
        command: ['sh', '-c', 'echo "pulling image" >&2; echo "cluster quota exceeded" >&2; exit 3'],
        timeoutMs: 10_000,
      },
    });
    const previous = (await store.repos.revisions.current(instance.id, 'image'))!;
    const change = await acceptedRollback('acme/acme-test');
    const failed = await handOffDeployment(store, change);
    expect(failed).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/cluster quota exceeded/),
    });
    const failedRevision = (await store.repos.revisions.get(
      instance.id,
      'image',
      change.stages[0]!.revision!,
    ))!;
    expect(failedRevision.status).toBe('failed');
    expect((await store.repos.revisions.current(instance.id, 'image'))!.number).toBe(previous.number);
    const parked = await handOffDeployment(store, change);
    expect(parked).toEqual({
      status: 'already-handed-off',
      instanceId: instance.id,
      revision: failedRevision.number,
    });

    // The operator fixes the deploy tool; a retry creates a new revision. The server "crashes" before
    // handing it off; on restart it is resumed.
    await setInstanceDeployer(store, pete, {
      instance: 'acme/acme-test',
      deployer: {
        kind: 'command',
        command: [
          'sh',
          '-c',
          'grep -q "^dbt-core==1.10.15" "$RATCHET_REQUIREMENTS" && grep -q dbt-snowflake "$RATCHET_PYLOCK" && ' +
            `test "$RATCHET_INSTANCE" = ${instance.id} && grep -q '"changeId": "${change.id}"' "$RATCHET_METADATA"`,
        ],
        timeoutMs: 10_000,
      },
    });
    const retried = await retryImageDeployment(store, pete, { instance: 'acme/acme-test' });
    const revision = retried.stages[0]!.revision!;
    expect(revision).toBeGreaterThan(failedRevision.number);
    const resumed = await resumePendingDeployments(store);
    expect(resumed.resumed).toEqual([{ status: 'deployed', instanceId: instance.id, revision }]);
    const current = (await store.repos.revisions.current(instance.id, 'image'))!;
    expect(current.number).toBe(revision);
    expect(current.rollbackOf).toBe(1);
    expect((current.content as ImageContent).packages).toContainEqual(
      expect.objectContaining({
        name: 'dbt-core',
        version: '1.10.15',
      }),
    );
    const after = (await store.repos.audit.list({ afterSeq: 0, limit: 10_000 })).filter(
      (e) => e.action === 'image.rollback.deployed',
    );
    expect(after.at(-1)).toMatchObject({ actorUserId: 'system:deployer' });
    // Nothing is pending any more: a second resume does nothing.
    expect(await resumePendingDeployments(store)).toEqual({ resumed: [], awaitingCallback: [], failed: [] });
  });

  it('webhook: only a correctly signed, fresh callback moves the instance', async () => {
    const { store } = t;
    const instance = seed.instances.acmeProd;
    await setInstanceDeployer(store, pete, {
      instance: 'acme/acme-prod',
      deployer: { kind: 'webhook', url: receiver.url, secret: SECRET, timeoutMs: 5_000 },
    });
    // At rest the secret is sealed (store/secret-box.ts), bound to this instance.
    const stored = await storedRow(store, instance.id);
    expect(stored.config).not.toContain(SECRET);
    expect(JSON.parse(stored.config)).toMatchObject({
      kind: 'webhook',
      sealedSecret: expect.stringMatching(/^v1\./),
    });
    // Copied onto another instance's row, the sealed secret does not open there.
    const other = seed.instances.globexProd;
    await store.db
      .insertInto('instance_deployers')
      .values({
        instance_id: other.id,
        tenant_id: other.tenantId,
        kind: 'webhook',
        config: stored.config,
        updated_at: store.now().toISOString(),
        version: 1,
      })
      .execute();
    await expect(readDeployer(store.repos, store.secrets, other.id)).rejects.toThrow(/integrity check/);
    // A row written before secrets were sealed (plain `secret`) is read, and sealed when next set.
    const legacy = { kind: 'webhook', url: receiver.url, secret: SECRET, timeoutMs: 5_000 };
    await store.db
      .updateTable('instance_deployers')
      .set({ config: JSON.stringify(legacy) })
      .where('instance_id', '=', other.id)
      .execute();
    expect((await readDeployer(store.repos, store.secrets, other.id)).config).toEqual(legacy);
    await setInstanceDeployer(store, pete, {
      instance: other.id,
      deployer: { kind: 'webhook', url: receiver.url, timeoutMs: 6_000 },
    });
    const resealed = await storedRow(store, other.id);
    expect(resealed.config).not.toContain(SECRET);
    expect((await readDeployer(store.repos, store.secrets, other.id)).config).toMatchObject({
      secret: SECRET,
      timeoutMs: 6_000,
    });
    await setInstanceDeployer(store, pete, { instance: other.id, deployer: { kind: 'record' } });
    const view = await getInstanceDeployer(store, pete, 'acme/acme-prod');
    expect(view).toMatchObject({ kind: 'webhook', secretSet: true });
    expect(JSON.stringify(view)).not.toContain(SECRET);
    expect(await getInstanceDeployer(store, bea, 'acme/acme-prod')).toEqual({
      instanceId: instance.id,
      instanceName: 'acme-prod',
      kind: 'webhook',
    });

    const change = await acceptedRollback('acme/acme-prod');
    const revision = change.stages[0]!.revision!;
    await expect(handOffDeployment(store, change)).resolves.toEqual({
      status: 'awaiting-callback',
      instanceId: instance.id,
      revision,
    });
    const sent = receiver.requests.at(-1)!;
    expect(sent.headers['idempotency-key']).toBe(`${instance.id}:${revision}`);
    expect(JSON.parse(sent.body).files['requirements.txt']).toMatch(
      /^dbt-core==1\.10\.15 \\\n {4}--hash=sha256:[0-9a-f]{64}$/m,
    );
    expect(await resumePendingDeployments(store)).toEqual({
      resumed: [],
      awaitingCallback: [{ instanceId: instance.id, revision }],
      failed: [],
    });

    const body = JSON.stringify({ instanceId: instance.id, revision, status: 'deployed' });
    const before = await snapshot(store, instance.id);
    const attempts: [string, Record<string, string>, string][] = [
      ['forged', { 'ratchet-signature': signWebhookBody('another-secret-entirely', body) }, body],
      [
        'tampered',
        { 'ratchet-signature': signWebhookBody(SECRET, body) },
        body.replace('"deployed"', '"failed","reason":"x"'),
      ],
      [
        'stale',
        { 'ratchet-signature': signWebhookBody(SECRET, body, new Date(Date.now() - 3_600_000)) },
        body,
      ],
      ['unsigned', {}, body],
    ];
    for (const [what, headers, raw] of attempts) {
      const error = await receiveDeployCallback(store, headers, raw).then(
        () => new Error(`${what} callback was accepted`),
        (e: unknown) => e as Error & { kind?: string },
      );
      expect([what, (error as { kind?: string }).kind]).toEqual([what, 'unauthenticated']);
    }
    expect(await snapshot(store, instance.id)).toEqual(before);

    const signed = { 'Ratchet-Signature': signWebhookBody(SECRET, body) };
    const deployed = await receiveDeployCallback(store, signed, body);
    expect(deployed.state).toBe('deployed');
    expect((await store.repos.revisions.current(instance.id, 'image'))!.number).toBe(revision);
    // A replay inside the window finds nothing waiting: refused, nothing changes.
    const replayed = await receiveDeployCallback(store, signed, body).catch((e: unknown) => e);
    expect(replayed).toMatchObject({ kind: 'conflict', message: expect.stringMatching(/already recorded/) });
  });
  it('a server without the key (or with another one) cannot set or use a webhook secret, and says why', async () => {
    const { store } = t;
    const before = await snapshot(store, seed.instances.acmeProd.id);
    const deployerBefore = await getInstanceDeployer(store, pete, 'acme/acme-prod');
    // PostgreSQL without RATCHET_SECRET_KEY; on SQLite an explicit empty key falls back to the key
    // file, so only another key can be shown there.
    if (t.engine === 'postgres') {
      const keyless = await t.openAnother({ secretKey: '' });
      await expect(
        setInstanceDeployer(keyless, pete, {
          instance: 'acme/acme-prod',
          deployer: { kind: 'webhook', url: receiver.url, secret: 'another-secret-0123456789' },
        }),
      ).rejects.toThrow(/RATCHET_SECRET_KEY is not set/);
    }
    const otherKey = await t.openAnother({ secretKey: randomBytes(32).toString('base64') });
    await expect(readDeployer(otherKey.repos, otherKey.secrets, seed.instances.acmeProd.id)).rejects.toThrow(
      /sealed with key k_[0-9a-f]{8}; this server's RATCHET_SECRET_KEY is k_[0-9a-f]{8}/,
    );
    // Showing the deployer needs no key; keeping the stored secret does, and refuses without it.
    expect(await getInstanceDeployer(otherKey, pete, 'acme/acme-prod')).toEqual(deployerBefore);
    await expect(
      setInstanceDeployer(otherKey, pete, {
        instance: 'acme/acme-prod',
        deployer: { kind: 'webhook', url: receiver.url, timeoutMs: 7_000 },
      }),
    ).rejects.toThrow(/sealed with key/);
    expect(await snapshot(store, seed.instances.acmeProd.id)).toEqual(before);
    expect(await getInstanceDeployer(store, pete, 'acme/acme-prod')).toEqual(deployerBefore);
  });
});

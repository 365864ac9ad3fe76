import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, openTestStore } from '../../test/support/engines.js';
import type { TestStore } from '../../test/support/engines.js';
import { ConflictError, NotFoundError, UnauthenticatedError } from '../domain/errors/index.js';
import type { Actor } from '../domain/roles/index.js';
import type { DemoSeed } from './index.js';
import { authenticateToken, getInstance, issueToken, listRevisions, revokeToken, seedDemo } from './index.js';

describe.each(engines)('Tokens and the demo (%s)', (engine) => {
  let t: TestStore;
  let demo: DemoSeed;
  let clock = new Date('2030-01-01T00:00:00.000Z');

  beforeAll(async () => {
    t = await openTestStore(engine, { now: () => clock });
    demo = await seedDemo(t.store);
  });
  afterAll(() => t.destroy());

  it('seeds the demo: every demo user authenticates as themselves', async () => {
    for (const { user, token } of Object.values(demo.users)) {
      expect(await authenticateToken(t.store, token)).toEqual({
        userId: user.id,
        name: user.name,
        role: user.role,
        tenantId: user.tenantId,
      });
    }
    expect(demo.instances.acmeProd.testInstanceId).toBe(demo.instances.acmeTest.id);
    const ana = await authenticateToken(t.store, demo.users.ana.token);
    const revisions = await listRevisions(t.store, ana, { instance: 'acme-prod' });
    expect(revisions.filter((r) => r.layer === 'image').map((r) => r.status)).toEqual([
      'deployed',
      'deployed',
    ]);
    await expect(seedDemo(t.store)).rejects.toBeInstanceOf(ConflictError);
    expect(await t.store.verifyAuditChain()).toMatchObject({ ok: true });
  });

  it('stores only the hash: the plaintext appears nowhere in the database', async () => {
    const token = demo.users.bea.token;
    const rows = await t.store.db.selectFrom('api_tokens').selectAll().execute();
    const audit = await t.store.db.selectFrom('audit_log').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(token.slice(-64));
    expect(JSON.stringify(audit)).not.toContain(token.slice(-64));
  });

  it('rejects unknown, tampered, revoked and expired tokens', async () => {
    const admin: Actor = await authenticateToken(t.store, demo.users.providerAdmin.token);
    const bea = await authenticateToken(t.store, demo.users.bea.token);
    const tampered = demo.users.ana.token.slice(0, -1) + (demo.users.ana.token.endsWith('0') ? '1' : '0');
    for (const bad of ['', 'Bearer x', tampered, `rtk_${'a'.repeat(16)}_${'b'.repeat(64)}`]) {
      await expect(authenticateToken(t.store, bad)).rejects.toBeInstanceOf(UnauthenticatedError);
    }
    // A customer admin manages tokens of their own tenant only; Globex's users do not exist for Bea.
    await expect(issueToken(t.store, bea, { userId: demo.users.globexAdmin.user.id })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    const issued = await issueToken(t.store, bea, { userId: demo.users.ana.user.id, expiresInDays: 1 });
    expect((await authenticateToken(t.store, issued.token)).userId).toBe(demo.users.ana.user.id);
    await revokeToken(t.store, admin, { tokenId: issued.info.id });
    await expect(authenticateToken(t.store, issued.token)).rejects.toThrow(/revoked/);

    const shortLived = await issueToken(t.store, admin, { userId: demo.users.ana.user.id, expiresInDays: 1 });
    clock = new Date(clock.getTime() + 2 * 24 * 60 * 60 * 1000);
    await expect(authenticateToken(t.store, shortLived.token)).rejects.toThrow(/expired/);
    // Ana's 90-day demo token still works two days later.
    const ana = await authenticateToken(t.store, demo.users.ana.token);
    await expect(getInstance(t.store, ana, 'globex/globex-prod')).rejects.toBeInstanceOf(NotFoundError);
  });
});

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, openTestStore } from '../../test/support/engines.js';
import type { TestStore } from '../../test/support/engines.js';
import { ConflictError } from '../domain/errors/index.js';
import type { Repositories, Store } from './index.js';

const platform = (version: string): unknown => ({ version, components: { airflow: '3.0.6' } });

async function seedInstance(store: Store): Promise<{ tenantId: string; instanceId: string }> {
  return store.transaction(async (tx) => {
    const tenant = await tx.tenants.insert({
      slug: `t-${Math.random().toString(36).slice(2, 8)}`,
      name: 'T',
    });
    const instance = await tx.instances.insert({
      tenantId: tenant.id,
      name: 'prod',
      kind: 'production',
      testInstanceId: null,
      namespaces: ['ns'],
    });
    await tx.audit.append(entry(`instance:${instance.id}`));
    return { tenantId: tenant.id, instanceId: instance.id };
  });
}

function entry(
  target: string,
  after: unknown = { ok: true },
): Parameters<Repositories['audit']['append']>[0] {
  return {
    actorUserId: 'usr_test',
    actorRole: 'provider-admin',
    tenantId: null,
    action: 'test.write',
    target,
    before: null,
    after,
  };
}

describe.each(engines)('Store (%s)', (engine) => {
  let t: TestStore;
  let store: Store;
  beforeAll(async () => {
    t = await openTestStore(engine);
    store = t.store;
  });
  afterAll(() => t.destroy());

  it('applies migrations once: reopening the same database keeps the data', async () => {
    const tenant = await store.transaction((tx) => tx.tenants.insert({ slug: 'reopen', name: 'Reopen' }));
    const again = await t.openAnother();
    expect(await again.repos.tenants.get(tenant.id)).toEqual(tenant);
  });

  it('round-trips JSON content and ISO timestamps identically on every engine', async () => {
    const { tenantId, instanceId } = await seedInstance(store);
    const content = { changes: { kubernetes: '1.30', pools: [{ size: 3 }] }, description: 'ünïcode ✓' };
    const revision = await store.transaction((tx) =>
      tx.revisions.append(
        {
          instanceId,
          tenantId,
          layer: 'infrastructure',
          actorUserId: 'u',
          actorRole: 'provider-engineer',
          reason: 'r',
          content,
          rollbackOf: null,
        },
        0,
      ),
    );
    const read = await store.repos.revisions.get(instanceId, 'infrastructure', 1);
    expect(read).toEqual(revision);
    expect(read?.content).toEqual(content);
    expect(read?.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('rolls back every write of a transaction that throws', async () => {
    const before = await store.repos.audit.count();
    await expect(
      store.transaction(async (tx) => {
        await tx.tenants.insert({ slug: 'doomed', name: 'Doomed' });
        await tx.audit.append(entry('tenant:doomed'));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.repos.tenants.getBySlug('doomed')).toBeNull();
    expect(await store.repos.audit.count()).toBe(before);
  });

  it('refuses a stale version on update with ConflictError and keeps the winner', async () => {
    const tenant = await store.transaction((tx) => tx.tenants.insert({ slug: 'occ', name: 'First' }));
    const updated = await store.transaction((tx) => tx.tenants.update(tenant.id, 1, { name: 'Second' }));
    expect(updated.version).toBe(2);
    await expect(
      store.transaction((tx) => tx.tenants.update(tenant.id, 1, { name: 'Third' })),
    ).rejects.toThrow(/changed by someone else/);
    expect((await store.repos.tenants.get(tenant.id))?.name).toBe('Second');
  });

  it('refuses a stale image change version with ConflictError, changes nothing, and moves a fresh one on', async () => {
    const { tenantId, instanceId } = await seedInstance(store);
    const at = store.now().toISOString();
    const row = {
      id: `upg_${Math.random().toString(36).slice(2, 10)}`,
      kind: 'upgrade' as const,
      tenant_id: tenantId,
      instance_id: instanceId,
      state: 'awaiting-approval',
      requested_by: 'usr_test',
      requested_role: 'customer-engineer',
      reason: 'r',
      requests: '[]',
      report: '{}',
      report_hash: 'h',
      approved_by: null,
      approved_hash: null,
      decision_reason: null,
      urgent: 0,
      accepted_by: null,
      accepted_hash: null,
      stages: '[]',
      notes: '[]',
      created_at: at,
      updated_at: at,
      version: 1,
    };
    await store.transaction((tx) => tx.imageChanges.insert(row));
    await store.transaction((tx) => tx.imageChanges.update(row.id, 1, { state: 'approved' }));
    await expect(
      store.transaction((tx) => tx.imageChanges.update(row.id, 1, { state: 'rejected' })),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(await store.repos.imageChanges.get(row.id)).toMatchObject({ state: 'approved', version: 2 });
    expect((await store.repos.imageChanges.listNotIn(['rejected'])).map((r) => r.id)).toContain(row.id);
    expect((await store.repos.imageChanges.listNotIn(['approved'])).map((r) => r.id)).not.toContain(row.id);
  });

  it('maps a duplicate slug and a duplicate revision number to ConflictError', async () => {
    await store.transaction((tx) => tx.tenants.insert({ slug: 'dup', name: 'A' }));
    await expect(
      store.transaction((tx) => tx.tenants.insert({ slug: 'dup', name: 'B' })),
    ).rejects.toBeInstanceOf(ConflictError);
    const { tenantId, instanceId } = await seedInstance(store);
    const input = {
      instanceId,
      tenantId,
      layer: 'platform' as const,
      actorUserId: 'u',
      actorRole: 'provider-engineer' as const,
      reason: 'r',
      rollbackOf: null,
    };
    await store.transaction((tx) => tx.revisions.append({ ...input, content: platform('1.0.0') }, 0));
    await expect(
      store.transaction((tx) => tx.revisions.append({ ...input, content: platform('2.0.0') }, 0)),
    ).rejects.toBeInstanceOf(ConflictError);
    const kept = await store.repos.revisions.list(instanceId, 'platform');
    expect(kept.map((r) => (r.content as { version: string }).version)).toEqual(['1.0.0']);
  });

  it('serializes concurrent transactions in one process: every append gets its own number', async () => {
    const { tenantId, instanceId } = await seedInstance(store);
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        store.transaction(async (tx) => {
          const latest = await tx.revisions.latestNumber(instanceId, 'image');
          await tx.revisions.append(
            {
              instanceId,
              tenantId,
              layer: 'image',
              actorUserId: 'u',
              actorRole: 'provider-engineer',
              reason: `r${i}`,
              content: { i },
              rollbackOf: null,
            },
            latest,
          );
          await tx.audit.append(entry(`rev:${i}`));
        }),
      ),
    );
    const numbers = (await store.repos.revisions.list(instanceId, 'image')).map((r) => r.number);
    expect(numbers).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await store.verifyAuditChain()).toMatchObject({ ok: true });
  });

  it('refuses to append to the audit log outside a transaction', async () => {
    await expect(store.repos.audit.append(entry('x'))).rejects.toThrow(/inside store.transaction/);
  });

  it('remembers the first answer for an idempotency key and refuses a second save', async () => {
    const record = {
      actorUserId: 'usr_1',
      route: 'POST /api/v1/tenants',
      key: 'k1',
      requestHash: 'h',
      status: 201,
      body: { id: 'ten_1' },
    };
    await store.transaction((tx) => tx.idempotency.save(record));
    expect(await store.repos.idempotency.find('usr_1', 'POST /api/v1/tenants', 'k1')).toMatchObject({
      status: 201,
      body: { id: 'ten_1' },
    });
    expect(await store.repos.idempotency.find('usr_2', 'POST /api/v1/tenants', 'k1')).toBeNull();
    await expect(
      store.transaction((tx) => tx.idempotency.save({ ...record, status: 500 })),
    ).rejects.toBeInstanceOf(ConflictError);
  });
});

describe.each(engines)('Audit hash chain (%s)', (engine) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(engine);
    for (let i = 1; i <= 5; i++)
      await t.store.transaction((tx) => tx.audit.append(entry(`thing:${i}`, { i, nested: { b: 1, a: 2 } })));
  });
  afterAll(() => t.destroy());

  it('links each entry to the previous one and verifies', async () => {
    const entries = await t.store.repos.audit.list();
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(entries[1]!.prevHash).toBe(entries[0]!.hash);
    expect(await t.store.verifyAuditChain()).toEqual({ ok: true, entries: 5 });
  });

  it("finds a change's entries by target, in chain order, through the target index", async () => {
    await t.store.transaction(async (tx) => {
      for (const target of ['change:a', 'change:b', 'change:a/x', 'change:c', 'change:a'])
        await tx.audit.append(entry(target));
    });
    const found = await t.store.repos.audit.entriesFor({ targets: ['change:a', 'change:a/x'] });
    expect(found.map((e) => [e.seq, e.target])).toEqual([
      [6, 'change:a'],
      [8, 'change:a/x'],
      [10, 'change:a'],
    ]);
    expect(await t.store.repos.audit.entriesFor({ targets: [] })).toEqual([]);
    // The plan of the repository's query (audit.ts entriesFor). A five-row table is read whole by
    // PostgreSQL's planner whatever its indexes; with sequential scans priced out, it shows whether
    // the index can serve the lookup at all.
    const plan = await t.store.db.transaction().execute(async (trx) => {
      const query = sql`select * from audit_log where target in (${'change:a'}, ${'change:a/x'}) order by seq`;
      if (engine === 'sqlite')
        return (await sql<{ detail: string }>`explain query plan ${query}`.execute(trx)).rows;
      await sql`set local enable_seqscan = off`.execute(trx);
      return (await sql<{ 'QUERY PLAN': string }>`explain ${query}`.execute(trx)).rows;
    });
    expect(JSON.stringify(plan)).toContain('audit_log_target_idx');
  });

  it('names the first modified entry after a raw UPDATE, and the gap after a raw DELETE', async () => {
    await sql`update audit_log set after = ${'{"i":99}'} where seq = 3`.execute(t.store.db);
    await sql`update audit_log set action = ${'forged'} where seq = 4`.execute(t.store.db);
    expect(await t.store.verifyAuditChain()).toMatchObject({
      ok: false,
      brokenAt: 3,
      reason: expect.stringMatching(/modified/),
    });
    await sql`delete from audit_log where seq in (3, 4)`.execute(t.store.db);
    expect(await t.store.verifyAuditChain()).toMatchObject({
      ok: false,
      brokenAt: 3,
      reason: expect.stringMatching(/missing/),
    });
  });
});

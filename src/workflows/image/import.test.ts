/**
 * `importImage` (issue 17, onboarding) on both engines: a customer's history recorded oldest first
 * with past deployment times, stored runs attributed to the image that ran them, and the refusals
 * (out of order, in the future, after Ratchet's own revisions, inconsistent, tampered hashes).
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, openTestStore } from '../../../test/support/engines.js';
import type { TestStore } from '../../../test/support/engines.js';
import { ConflictError, InputError, NotAllowedError, PolicyError } from '../../domain/errors/index.js';
import type { ImageContent } from '../../domain/revisions/index.js';
import type { Actor } from '../../domain/roles/index.js';
import { authenticateToken, exportImage, seedDemo } from '../index.js';
import type { DemoSeed } from '../index.js';
import { importImage } from './import.js';
import { writeDemoWheels } from './demo.js';

const DBT_110 = [
  'dbt-core==1.10.15',
  'dbt-snowflake==1.10.3',
  'dbt-adapters==1.17.3',
  'dbt-common==1.33.0',
  'snowflake-connector-python==3.17.2',
].join('\n');
const NOW = new Date('2030-01-01T00:00:00.000Z');

describe.each(engines)('importImage (%s)', (engine) => {
  let t: TestStore;
  let seed: DemoSeed;
  let pete: Actor;
  let gus: Actor;
  let source: string;

  beforeAll(async () => {
    t = await openTestStore(engine, { now: () => NOW });
    seed = await seedDemo(t.store);
    pete = (await authenticateToken(t.store, seed.users.providerEngineer.token))!;
    gus = (await authenticateToken(t.store, seed.users.globexAdmin.token))!;
    source = fileURLToPath(writeDemoWheels());
  }, 60_000);
  afterAll(() => t.destroy());

  /** A run of globex-prod stored before the import, attributed to no image revision. */
  async function storeRun(runId: string, eventTime: string): Promise<void> {
    await t.store.db
      .insertInto('run_events')
      .values({
        tenant_id: seed.tenants.globex.id,
        idempotency_key: `${runId}|COMPLETE|${eventTime}`,
        instance_id: seed.instances.globexProd.id,
        run_id: runId,
        event_type: 'COMPLETE',
        event_time: eventTime,
        namespace: 'globex-airflow',
        job_name: 'daily.load',
        pipeline: 'daily',
        pipeline_run_id: runId,
        parent_job_name: null,
        parent_run_id: null,
        project: null,
        integration: 'AIRFLOW',
        image_revision: null,
        image_revision_source: null,
        code_revision: null,
        owner: null,
        owner_source: null,
        outcome: 'success',
        error_message: null,
        producer: 'test',
        received_at: NOW.toISOString(),
        event: '{}',
      })
      .execute();
  }

  async function revisionOfRun(runId: string): Promise<number | null> {
    const row = await t.store.db
      .selectFrom('run_events')
      .select('image_revision')
      .where('run_id', '=', runId)
      .executeTakeFirstOrThrow();
    return row.image_revision === null ? null : Number(row.image_revision);
  }

  const globex = 'globex/globex-prod';

  it('refuses a customer admin, a future time and an inconsistent lock, and records nothing', async () => {
    await expect(
      importImage(t.store, gus, { instance: globex, lock: DBT_110, python: '3.12', source }),
    ).rejects.toBeInstanceOf(NotAllowedError);
    await expect(
      importImage(t.store, pete, {
        instance: globex,
        lock: DBT_110,
        python: '3.12',
        source,
        deployedAt: '2031-01-01T00:00:00Z',
      }),
    ).rejects.toThrow(/is in the future/);
    // A dbt-common the folder does not have: the same finding `image check` prints.
    const inconsistent = importImage(t.store, pete, {
      instance: globex,
      lock: DBT_110.replace('dbt-common==1.33.0', 'dbt-common==0.0.1'),
      python: '3.12',
      source,
    });
    await expect(inconsistent).rejects.toBeInstanceOf(ConflictError);
    await expect(inconsistent).rejects.toThrow(/not a consistent image for Python 3\.12[\s\S]*dbt-common/);
    expect(await t.store.repos.revisions.list(seed.instances.globexProd.id, 'image')).toEqual([]);
  });

  it('records the history oldest first, deployed at its past times, and attributes stored runs by time', async () => {
    await storeRun('before-anything', '2029-01-15T00:00:00.000Z');
    await storeRun('under-first', '2029-03-15T00:00:00.000Z');
    await storeRun('under-second', '2029-08-15T00:00:00.000Z');
    const first = await importImage(t.store, pete, {
      instance: globex,
      lock: DBT_110,
      filename: 'requirements.txt',
      python: '3.12',
      source,
      deployedAt: '2029-03-01T00:00:00Z',
    });
    expect(first.revision).toMatchObject({
      number: 1,
      status: 'deployed',
      statusChangedAt: '2029-03-01T00:00:00.000Z',
    });
    expect((first.revision.content as ImageContent).platform).toBe('3.4.0');
    expect(first.reattributedRuns).toBe(2);
    expect(await revisionOfRun('under-first')).toBe(1);
    expect(await revisionOfRun('under-second')).toBe(1);
    expect(await revisionOfRun('before-anything')).toBeNull();

    // Revision 1 recorded each pin's files from the source: its export carries their hashes, and
    // a lock with hashes imports as well (the image redeployed later).
    const exported = await exportImage(t.store, pete, { instance: globex, format: 'requirements.txt' });
    expect(exported.text).toContain('--hash=sha256:');
    const second = await importImage(t.store, pete, {
      instance: globex,
      lock: exported.text,
      python: '3.12',
      source,
      deployedAt: '2029-08-01T00:00:00Z',
    });
    expect(second.revision.number).toBe(2);
    expect(second.reattributedRuns).toBe(1);
    expect(await revisionOfRun('under-first')).toBe(1);
    expect(await revisionOfRun('under-second')).toBe(2);
    const content = second.revision.content as ImageContent;
    expect(content.imported).toEqual({ deployedAt: '2029-08-01T00:00:00.000Z', format: 'requirements.txt' });
    expect(content.packages.every((pin) => (pin.files ?? []).length > 0)).toBe(true);
    expect((await t.store.repos.revisions.current(seed.instances.globexProd.id, 'image'))?.number).toBe(2);

    // Out of order: a revision deployed before the last imported one would need a smaller number.
    await expect(
      importImage(t.store, pete, {
        instance: globex,
        lock: DBT_110,
        python: '3.12',
        source,
        deployedAt: '2029-05-01T00:00:00Z',
      }),
    ).rejects.toThrow(/Import the history oldest first|would come before it/);
    const audit = await t.store.db
      .selectFrom('audit_log')
      .select(['action', 'target'])
      .where('action', '=', 'image.import')
      .execute();
    expect(audit.map((entry) => entry.target)).toEqual([
      `revision:${seed.instances.globexProd.id}/image/1`,
      `revision:${seed.instances.globexProd.id}/image/2`,
    ]);
    expect(await t.store.verifyAuditChain()).toMatchObject({ ok: true });
  });

  it('refuses a lock whose hashes match no file of the source (tampered)', async () => {
    const tampered = `dbt-core==1.10.15 --hash=sha256:${'0'.repeat(64)}\n${DBT_110.split('\n').slice(1).join('\n')}`;
    const attempt = importImage(t.store, pete, {
      instance: globex,
      lock: tampered,
      python: '3.12',
      source,
      deployedAt: '2029-12-01T00:00:00Z',
    });
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
    await expect(attempt).rejects.toThrow(/hashes match no file .* dbt-core==1\.10\.15/);
  });

  it("refuses once Ratchet recorded the instance's image itself: history stays before it", async () => {
    const attempt = importImage(t.store, pete, {
      instance: 'acme/acme-prod',
      lock: DBT_110,
      python: '3.12',
      source,
      deployedAt: '2020-01-01T00:00:00Z',
    });
    await expect(attempt).rejects.toBeInstanceOf(PolicyError);
    await expect(attempt).rejects.toThrow(/recorded through Ratchet/);
    await expect(
      importImage(t.store, pete, { instance: globex, lock: '# nothing\n', python: '3.12', source }),
    ).rejects.toBeInstanceOf(InputError);
  });
});

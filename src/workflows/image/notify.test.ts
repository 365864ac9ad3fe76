/**
 * Who an image-change notification reaches: the impact report names pipeline owners (`ana`, from
 * the Airflow DAG owner or an ownership rule), and the outbox must carry a copy to the user of the
 * change's tenant that owner names, once, and never to another tenant's user.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, openTestStore } from '../../../test/support/engines.js';
import type { TestStore } from '../../../test/support/engines.js';
import type { Actor } from '../../domain/roles/index.js';
import type { User } from '../../domain/users/index.js';
import type { Store } from '../../store/index.js';
import { seedDemo } from '../demo.js';
import type { DemoSeed } from '../types.js';
import { createUser } from '../users.js';
import { approveRollback, requestRollback } from './index.js';
import { notifyStep, usersNamedByOwner } from './notify.js';
import type { ImageChangeRecord } from './types.js';

function actorOf(user: User): Actor {
  return { userId: user.id, name: user.name, role: user.role, tenantId: user.tenantId };
}

interface Recipient {
  topic: string;
  receiverId: string;
  address: string | null;
}

async function recipientsOf(store: Store, eventId: string): Promise<Recipient[]> {
  const rows = await store.db
    .selectFrom('outbox')
    .select(['topic', 'receiver_id', 'payload'])
    .where('event_id', '=', eventId)
    .execute();
  return rows.map((row) => ({
    topic: row.topic,
    receiverId: row.receiver_id,
    address: (JSON.parse(row.payload) as { address: string | null }).address,
  }));
}

function user(id: string, name: string, email: string | null, tenantId: string | null): User {
  return {
    id,
    name,
    email,
    role: 'customer-member',
    tenantId,
    version: 1,
    createdAt: '2025-06-02T09:00:00.000Z',
  };
}

describe('usersNamedByOwner', () => {
  const ana = user('usr_ana', 'Ana (User A)', 'ana@acme.example', 'acme');
  const anaContractor = user('usr_ana2', 'Ana Contractor', 'Ana@contractors.example', 'acme');
  const carl = user('usr_carl', 'carl', null, 'acme');

  it('matches the full email, then the local part, then the name, ignoring case and spaces', () => {
    expect(usersNamedByOwner(' ANA@ACME.example ', [ana, anaContractor, carl])).toEqual([ana]);
    expect(usersNamedByOwner('Ana (user a)', [ana, anaContractor, carl])).toEqual([ana]);
    expect(usersNamedByOwner('Carl', [ana, anaContractor, carl])).toEqual([carl]);
  });

  it('names every user a shared local part matches, and nobody for an unknown or empty owner', () => {
    expect(usersNamedByOwner('ana', [ana, anaContractor, carl])).toEqual([ana, anaContractor]);
    expect(usersNamedByOwner('eve', [ana, anaContractor, carl])).toEqual([]);
    expect(usersNamedByOwner('  ', [ana, anaContractor, carl])).toEqual([]);
  });
});

describe.each(engines)('image-change notifications reach the impact owners (%s)', (engine) => {
  let t: TestStore;
  let seed: DemoSeed;
  let globexUsers: User[];
  let change: ImageChangeRecord;

  beforeAll(async () => {
    t = await openTestStore(engine, { now: () => new Date('2025-06-02T09:00:00.000Z') });
    seed = await seedDemo(t.store);
    // Globex people sharing acme owners' local parts: a match on `ana` or `eve` must stay in acme.
    const admin = actorOf(seed.users.providerAdmin.user);
    globexUsers = [
      seed.users.globexAdmin.user,
      await createUser(t.store, admin, {
        name: 'Ana (Globex)',
        email: 'ana@globex.example',
        role: 'customer-member',
        tenant: 'globex',
      }),
      await createUser(t.store, admin, {
        name: 'Eve (Globex)',
        email: 'eve@globex.example',
        role: 'customer-member',
        tenant: 'globex',
      }),
    ];
    change = await requestRollback(t.store, actorOf(seed.users.bea.user), {
      instance: 'acme-prod',
      package: 'dbt-core',
      target: '==1.10.*',
      reason: 'Our incremental models broke on 1.11',
    });
  });
  afterAll(() => t.destroy());

  function expectNoGlobexUser(recipients: readonly Recipient[]): void {
    for (const globexUser of globexUsers) {
      expect(recipients.map((r) => r.receiverId)).not.toContain(`user:${globexUser.id}`);
      expect(recipients.map((r) => r.address)).not.toContain(globexUser.email);
    }
  }

  it('mails Ana, whose pipeline the rollback breaks, with the rollback request', async () => {
    // The demo evidence: ana's finance_daily adapted to dbt 1.11, so rolling back breaks it.
    expect(change.report.impact?.affectedUsers).toContainEqual(
      expect.objectContaining({ user: 'ana', verdicts: ['breaks'], pipelines: ['finance_daily'] }),
    );
    const ana = seed.users.ana.user;
    const recipients = await recipientsOf(t.store, `${change.id}:request:${String(change.version)}`);
    expect(recipients.every((r) => r.topic === 'image.rollback.request')).toBe(true);
    expect(recipients).toContainEqual({
      topic: 'image.rollback.request',
      receiverId: `user:${ana.id}`,
      address: 'ana@acme.example',
    });
    expectNoGlobexUser(recipients);
  });

  it('sends each person one copy: Bea is the requester and an impact owner', async () => {
    const recipients = await recipientsOf(t.store, `${change.id}:request:${String(change.version)}`);
    const addresses = recipients.flatMap((r) => (r.address === null ? [] : [r.address]));
    expect(addresses.filter((a) => a === 'bea@acme.example')).toHaveLength(1);
    expect(new Set(addresses).size).toBe(addresses.length);
    // eve owns a pipeline but has no acme account: nobody is mailed for her.
    expect(addresses.some((a) => a.startsWith('eve@'))).toBe(false);
  });

  it('keeps Ana on the next step of the rollback', async () => {
    const approved = await approveRollback(t.store, actorOf(seed.users.providerEngineer.user), {
      id: change.id,
      reason: 'The co-rollback of dbt-snowflake is fine',
    });
    const recipients = await recipientsOf(t.store, `${approved.id}:approve:${String(approved.version)}`);
    expect(recipients.map((r) => r.topic)).toContain('image.rollback.approve');
    expect(recipients.map((r) => r.receiverId)).toContain(`user:${seed.users.ana.user.id}`);
    expectNoGlobexUser(recipients);
  });

  it('mails an owner address without an account, but never an address of another tenant', async () => {
    const { store } = t;
    const impact = change.report.impact!;
    const probe: ImageChangeRecord = {
      ...change,
      report: {
        ...change.report,
        impact: {
          ...impact,
          affectedUsers: [
            {
              user: ' ANA@acme.example ',
              verdicts: ['breaks'],
              pipelines: ['finance_daily'],
              shouldForwardFix: false,
            },
            { user: 'gus@globex.example', verdicts: ['breaks'], pipelines: ['p1'], shouldForwardFix: false },
            {
              user: 'carl@contractors.example',
              verdicts: ['breaks'],
              pipelines: ['p2'],
              shouldForwardFix: false,
            },
          ],
        },
      },
    };
    await store.transaction((tx) =>
      notifyStep(store, tx, probe, { step: 'probe', nextOwners: [], subject: 'probe', text: 'probe' }),
    );
    const recipients = await recipientsOf(store, `${change.id}:probe:${String(change.version)}`);
    expect(recipients.map((r) => r.receiverId)).toContain(`user:${seed.users.ana.user.id}`);
    expect(recipients).toContainEqual({
      topic: 'image.rollback.probe',
      receiverId: 'affected:carl@contractors.example',
      address: 'carl@contractors.example',
    });
    expectNoGlobexUser(recipients);
  });
});

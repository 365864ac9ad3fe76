/**
 * Step 6 of the policy's rollback process, the other way: "The customer validates the rollback and
 * confirms resolution" — or reports it is not resolved. The request reopens for a new review
 * against today's image (which now holds the rollback), so it cannot be approved into a second,
 * identical revision; and a request that would change nothing is refused from the start.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, openTestStore } from '../../../test/support/engines.js';
import type { TestStore } from '../../../test/support/engines.js';
import type { Actor } from '../../domain/roles/index.js';
import type { User } from '../../domain/users/index.js';
import { seedDemo } from '../demo.js';
import {
  acceptRollback,
  approveRollback,
  confirmImageDeployment,
  rejectRollback,
  reopenRollback,
  requestRollback,
} from './index.js';

function actorOf(user: User): Actor {
  return { userId: user.id, name: user.name, role: user.role, tenantId: user.tenantId };
}

describe.each(engines)('a rollback that did not resolve the issue (%s)', (engine) => {
  let t: TestStore;
  let bea: Actor;
  let pete: Actor;

  beforeAll(async () => {
    t = await openTestStore(engine);
    const seed = await seedDemo(t.store);
    bea = actorOf(seed.users.bea.user);
    pete = actorOf(seed.users.providerEngineer.user);
  });
  afterAll(() => t.destroy());

  it('reopens with a fresh report that cannot be approved again, and refuses a request that changes nothing', async () => {
    const { store } = t;
    const request = await requestRollback(store, bea, {
      instance: 'acme/acme-prod',
      package: 'dbt-core',
      target: '==1.10.*',
      reason: 'Incremental models broke on 1.11',
    });
    await approveRollback(store, pete, { id: request.id, reason: 'Reviewed', urgent: true });
    await acceptRollback(store, bea, { id: request.id, reportHash: request.reportHash });
    const deployed = await confirmImageDeployment(store, pete, { instance: 'acme/acme-prod' });
    expect(deployed.state).toBe('deployed');

    const reopened = await reopenRollback(store, bea, {
      id: request.id,
      information: 'Still failing after the rollback',
    });
    expect(reopened.state).toBe('requested');
    expect(reopened.reportHash).not.toBe(request.reportHash);
    expect(reopened.report.currentRevision).toBe(deployed.stages[0]!.revision);
    expect(reopened.report.blockers.join(' ')).toMatch(/acme-prod already runs dbt-core==1\.10\.\*/);
    expect(reopened.notes.at(-1)).toMatchObject({ step: 'reopen', text: 'Still failing after the rollback' });
    await expect(approveRollback(store, pete, { id: request.id, reason: 'Again' })).rejects.toThrow(
      /cannot be approved: acme-prod already runs/,
    );
    const rejected = await rejectRollback(store, pete, {
      id: request.id,
      reason: 'The rollback is in place; the failure has another cause',
    });
    expect(rejected.state).toBe('rejected');

    const revisions = await store.repos.revisions.count();
    await expect(
      requestRollback(store, bea, {
        instance: 'acme/acme-prod',
        package: 'dbt-core',
        target: '==1.10.*',
        reason: 'Once more',
      }),
    ).rejects.toThrow(/already runs dbt-core==1\.10\.\*: a rollback request would change nothing/);
    expect(await store.repos.revisions.count()).toBe(revisions);
  });
});

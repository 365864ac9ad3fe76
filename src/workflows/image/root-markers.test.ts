/**
 * pip's rule for a root requirement (`InstallRequirement.match_markers`): a requirement whose
 * environment marker is false for the target is ignored. A rollback or upgrade target with such a
 * marker therefore asks for nothing, and is refused as a request that changes nothing (409), with
 * the marker and the image's environment named; nothing is written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, openTestStore } from '../../../test/support/engines.js';
import type { TestStore } from '../../../test/support/engines.js';
import { ConflictError } from '../../domain/errors/index.js';
import type { Actor } from '../../domain/roles/index.js';
import type { User } from '../../domain/users/index.js';
import { seedDemo } from '../demo.js';
import { requestRollback, requestUpgrade } from './index.js';

function actorOf(user: User): Actor {
  return { userId: user.id, name: user.name, role: user.role, tenantId: user.tenantId };
}

describe.each(engines)('rollback and upgrade targets with environment markers (%s)', (engine) => {
  let t: TestStore;
  let bea: Actor;

  beforeAll(async () => {
    t = await openTestStore(engine);
    const seed = await seedDemo(t.store);
    bea = actorOf(seed.users.bea.user);
  });
  afterAll(() => t.destroy());

  it('refuses a rollback whose target marker is false for the image, writing nothing', async () => {
    const { store } = t;
    const revisions = await store.repos.revisions.count();
    const audit = await store.repos.audit.count();
    const refused = requestRollback(store, bea, {
      instance: 'acme/acme-prod',
      package: 'dbt-core',
      target: '==1.10.15 ; python_version < "2"',
      reason: 'Incremental models broke on 1.11',
    });
    await expect(refused).rejects.toBeInstanceOf(ConflictError);
    await expect(refused).rejects.toThrow(
      /dbt-core==1\.10\.15 ?; python_version < "2" does not apply: its marker python_version < "2" is false for CPython 3\.12\.0 on linux x86_64, so on acme-prod a rollback request would change nothing\./,
    );
    expect(await store.repos.revisions.count()).toBe(revisions);
    expect(await store.repos.audit.count()).toBe(audit);
  });

  it('still plans the same target when its marker holds', async () => {
    const request = await requestRollback(t.store, bea, {
      instance: 'acme/acme-prod',
      package: 'dbt-core',
      target: '==1.10.15 ; python_version >= "3.12" and sys_platform == "linux"',
      reason: 'Incremental models broke on 1.11',
    });
    expect(request.report.review.changes.filter((c) => c.requested)).toEqual([
      expect.objectContaining({ name: 'dbt-core', to: '1.10.15' }),
    ]);
    expect(request.report.review.ignored).toEqual([]);
  });

  it('refuses an upgrade whose target marker is false (platform), naming the environment', async () => {
    await expect(
      requestUpgrade(t.store, bea, {
        instance: 'acme/acme-test',
        requirements: ['dbt-core>=1.11.1 ; sys_platform == "win32"'],
        reason: 'New features',
      }),
    ).rejects.toThrow(
      /is false for CPython 3\.12\.0 on linux x86_64, so on acme-test an? upgrade request would change nothing/,
    );
  });
});

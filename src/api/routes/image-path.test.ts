/**
 * Issue 18: who may start an image change and the path it takes come from the server, over HTTP on
 * both engines, and agree with what the workflow enforces.
 *
 * - GET /api/v1/me says a role may request a rollback (an upgrade) exactly when POSTing one is
 *   accepted; a refused request is a 403 that writes nothing, and the workflow refuses it too.
 * - Each path a change is sent is walked stage by stage: the step into the next stage is offered to,
 *   and accepted from, exactly the roles the path names as its owners (every other role is refused
 *   with 403), and it leads into the state the path names. So the progress the dashboard draws and
 *   the checks the workflow runs cannot drift apart without this test failing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditCounts } from '../../../test/support/audit.js';
import { engines } from '../../../test/support/engines.js';
import { demoImageInstances, stepBody } from '../../../test/support/image-instances.js';
import type { FreshImageInstance } from '../../../test/support/image-instances.js';
import { actorOf, tokensForEveryRole } from '../../../test/support/roles.js';
import { createScratchDatabase, storeOptionsFor } from '../../../test/support/scratch-postgres.js';
import type { ScratchDatabase } from '../../../test/support/scratch-postgres.js';
import { NotAllowedError } from '../../domain/errors/index.js';
import { PERMISSIONS } from '../../domain/roles/index.js';
import type { Actor, Role } from '../../domain/roles/index.js';
import { REQUEST_PERMISSION, requestRollback, requestUpgrade } from '../../workflows/index.js';
import type { ImageChangeKind } from '../../workflows/index.js';
import { IMAGE_PATHS, pathStepRoles } from '../../workflows/image/index.js';
import type { ImagePathName } from '../../workflows/image/index.js';
import type { ImageChangeView, ImageNextStep, Me } from '../wire.js';
import { UNLIMITED_QUOTAS } from '../quotas.js';
import { startTestServer } from '../test-server.js';
import type { TestServer } from '../test-server.js';

const PEOPLE: Role[] = [
  'provider-admin',
  'provider-engineer',
  'provider-support',
  'customer-admin',
  'customer-member',
];
const CALLERS: Role[] = [...PEOPLE, 'lineage-ingest'];
const KINDS: ImageChangeKind[] = ['rollback', 'upgrade'];

const REQUEST_BODY: Record<ImageChangeKind, Record<string, unknown>> = {
  rollback: { package: 'dbt-core', target: '==1.10.*', reason: 'Models fail on 1.11' },
  upgrade: { requirements: ['dbt-core>=1.11.1'], reason: 'The 1.11.1 fix' },
};

describe.each(engines)('who may start an image change, and the path it takes (%s)', (engine) => {
  let server: TestServer;
  let database: ScratchDatabase | undefined;
  const tokens = new Map<Role, string>();
  let engineer: Actor;
  let freshInstance: FreshImageInstance;

  beforeAll(async () => {
    if (engine === 'postgres') database = await createScratchDatabase('ratchet_image_path');
    server = await startTestServer({
      quotas: UNLIMITED_QUOTAS,
      ...storeOptionsFor(database),
    });
    const { users } = server.seed;
    engineer = actorOf(users.providerEngineer.user);
    for (const [role, token] of await tokensForEveryRole(server, { label: 'path', withIngestion: true }))
      tokens.set(role, token);
    freshInstance = await demoImageInstances(server, engineer, 'path');
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  function tokenOf(role: Role): string {
    return tokens.get(role)!;
  }

  async function requestsOn(instance: string, kind: ImageChangeKind): Promise<unknown[]> {
    const listed = await server.call('GET', `/api/v1/instances/${instance}/image/${kind}-requests`, {
      token: tokenOf('provider-admin'),
    });
    expect(listed.status, listed.text).toBe(200);
    return listed.json['requests'] as unknown[];
  }

  it('GET /me says a role may request a rollback or an upgrade exactly when POSTing one is accepted', async () => {
    const allowed: Record<ImageChangeKind, Role[]> = { rollback: [], upgrade: [] };
    for (const role of CALLERS) {
      const me = await server.call('GET', '/api/v1/me', { token: tokenOf(role) });
      expect(me.status, me.text).toBe(200);
      const { mayRequest } = me.json as unknown as Me;
      for (const kind of KINDS) {
        const may = mayRequest[kind];
        expect(may.permission).toBe(REQUEST_PERMISSION[kind]);
        expect(may.roles).toEqual(PERMISSIONS[REQUEST_PERMISSION[kind]]);
        const instance = await freshInstance('production');
        const before = await auditCounts(server.store);
        const posted = await server.call('POST', `/api/v1/instances/${instance}/image/${kind}-requests`, {
          token: tokenOf(role),
          body: REQUEST_BODY[kind],
        });
        if (may.allowed) {
          expect(posted.status, `${role} requests a ${kind}: ${posted.text}`).toBe(201);
          expect(posted.json['state']).toBe('requested');
          expect(await requestsOn(instance, kind)).toHaveLength(1);
          allowed[kind].push(role);
          continue;
        }
        expect(posted.status, `${role} requests a ${kind}: ${posted.text}`).toBe(403);
        expect(posted.json['type']).toBe('urn:ratchet:problem:not-allowed');
        expect(await requestsOn(instance, kind)).toEqual([]);
        expect((await auditCounts(server.store)).changes).toBe(before.changes);
        // The workflow itself refuses with the same permission, not only the route in front of it.
        const actor: Actor = {
          userId: 'usr_path',
          name: 'Path',
          role,
          tenantId: server.seed.tenants.acme.id,
        };
        const direct =
          kind === 'rollback'
            ? requestRollback(server.store, actor, {
                instance,
                package: 'dbt-core',
                target: '==1.10.*',
                reason: 'Models fail on 1.11',
              })
            : requestUpgrade(server.store, actor, {
                instance,
                requirements: ['dbt-core>=1.11.1'],
                reason: 'The 1.11.1 fix',
              });
        await expect(direct).rejects.toBeInstanceOf(NotAllowedError);
      }
    }
    // The policy: the customer admin asks for a rollback; an upgrade may come from either side.
    expect(allowed).toEqual({
      rollback: ['customer-admin'],
      upgrade: ['provider-engineer', 'customer-admin'],
    });
  }, 240_000);

  it('/openapi.json describes the path and what the caller may start', async () => {
    const document = (await server.call('GET', '/openapi.json')).json as {
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    const { schemas } = document.components;
    expect(Object.keys(schemas['ImagePathStage']?.properties ?? {})).toEqual([
      'state',
      'label',
      'step',
      'roles',
      'status',
    ]);
    expect(schemas['ImageChangeView']?.properties).toHaveProperty('path');
    expect(schemas['ListedImageChange']?.properties).toHaveProperty('path');
    expect(schemas['Me']?.properties).toHaveProperty('mayRequest');
  });

  /** Which instance a path starts from: a test instance first, production alone, or a test instance alone. */
  async function instanceFor(name: ImagePathName): Promise<string> {
    if (name === 'upgrade-test-first') return freshInstance('production', await freshInstance('test'));
    if (name === 'upgrade-direct') return freshInstance('test');
    return freshInstance('production');
  }

  async function viewAs(role: Role, kind: ImageChangeKind, id: string): Promise<ImageChangeView> {
    const shown = await server.call('GET', `/api/v1/${kind}-requests/${id}`, { token: tokenOf(role) });
    expect(shown.status, shown.text).toBe(200);
    return shown.json as unknown as ImageChangeView;
  }

  const paths = Object.keys(IMAGE_PATHS) as ImagePathName[];

  it.each(paths)(
    'the %s path: each stage is reached by the step its owners, and only they, may take',
    async (name) => {
      const { kind, stages } = IMAGE_PATHS[name];
      const instance = await instanceFor(name);
      // The first stage's owners are the requesters GET /me names.
      const requester = stages[0]!.via === 'request' ? pathStepRoles(kind, 'request')[0]! : null;
      expect(requester).not.toBeNull();
      const me = (await server.call('GET', '/api/v1/me', { token: tokenOf(requester!) }))
        .json as unknown as Me;
      expect(me.mayRequest[kind].allowed).toBe(true);
      const opened = await server.call('POST', `/api/v1/instances/${instance}/image/${kind}-requests`, {
        token: tokenOf(requester!),
        body: REQUEST_BODY[kind],
      });
      expect(opened.status, opened.text).toBe(201);
      const id = String(opened.json['id']);

      for (let at = 0; ; at += 1) {
        const view = await viewAs('provider-admin', kind, id);
        // The server sends this path, with the table's owners, and the change stands at stage `at`.
        expect(view.path.map((s) => [s.state, s.step, s.roles])).toEqual(
          stages.map((s) => [s.state, s.via, pathStepRoles(kind, s.via)]),
        );
        expect(view.path.map((s) => s.status)).toEqual(
          stages.map((_, i) => (i < at ? 'done' : i === at ? 'current' : 'todo')),
        );
        expect(view.state).toBe(stages[at]!.state);
        const next = view.path[at + 1];
        if (next === undefined) break;
        if (next.step === 'request') throw new Error('only the first stage is reached by the request');

        // Every person sees the step with the path's owners; it is theirs exactly when they own it.
        let offered: ImageNextStep | undefined;
        for (const role of PEOPLE) {
          const step = (await viewAs(role, kind, id)).nextSteps.find((s) => s.step === next.step);
          expect(step, `${role} is shown "${next.step}" on a ${view.state} ${kind}`).toBeDefined();
          expect(step!.roles).toEqual(next.roles);
          expect(step!.allowed, `${role} ${next.step}`).toBe(next.roles.includes(role));
          if (step!.allowed) offered ??= step;
        }
        expect(offered, `somebody owns "${next.step}"`).toBeDefined();
        // Everyone else is refused the step (the role, not the state: 403), and nothing changes.
        for (const role of CALLERS.filter((r) => !next.roles.includes(r))) {
          const refused = await server.call(offered!.method, offered!.path, {
            token: tokenOf(role),
            body: stepBody(offered!, 'path test'),
          });
          expect(refused.status, `${role} ${next.step} on a ${view.state} ${kind}: ${refused.text}`).toBe(
            403,
          );
        }
        expect((await viewAs('provider-admin', kind, id)).version).toBe(view.version);

        // An owner takes it as the server describes it; a deployment with more stages is reported
        // until the change moves on.
        const owner = next.roles[0]!;
        for (let report = 0; report < 3; report += 1) {
          const step = (await viewAs(owner, kind, id)).nextSteps.find((s) => s.step === next.step)!;
          const taken = await server.call(step.method, step.path, {
            token: tokenOf(owner),
            body: stepBody(step, 'path test'),
          });
          expect(taken.status, `${owner} ${next.step} on a ${kind}: ${taken.text}`).toBe(200);
          if (taken.json['state'] !== view.state) break;
        }
        expect((await viewAs('provider-admin', kind, id)).state).toBe(next.state);
      }
    },
    240_000,
  );
});

/**
 * Issue 18: the next steps the API sends with an image change are exactly the steps the workflow
 * accepts, over HTTP on both engines. For every state of a rollback and of an upgrade, and every
 * person's role: each step the change's `nextSteps` marks as the caller's is posted (as the server
 * describes it: path, body, input, acknowledgement) and accepted; every other step of the workflow
 * is posted by that role and refused, changing nothing. The table the dashboard reads and the checks
 * the workflow runs therefore cannot drift apart without this test failing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/support/engines.js';
import { demoImageInstances, stepBody } from '../../../test/support/image-instances.js';
import type { FreshImageInstance } from '../../../test/support/image-instances.js';
import { actorOf, tokensForEveryRole } from '../../../test/support/roles.js';
import { createScratchDatabase, storeOptionsFor } from '../../../test/support/scratch-postgres.js';
import type { ScratchDatabase } from '../../../test/support/scratch-postgres.js';
import type { Actor, Role } from '../../domain/roles/index.js';
import {
  acceptRollback,
  approveRollback,
  approveUpgrade,
  confirmImageDeployment,
  confirmRollback,
  failImageDeployment,
  promoteUpgrade,
  rejectRollback,
  rejectUpgrade,
  requestRollback,
  requestUpgrade,
  signOffUpgrade,
} from '../../workflows/index.js';
import type { ImageChangeKind, ImageChangeRecord, ImageChangeState } from '../../workflows/index.js';
import type { ImageNextStep } from '../wire.js';
import { UNLIMITED_QUOTAS } from '../quotas.js';
import { startTestServer } from '../test-server.js';
import type { TestServer } from '../test-server.js';

type Listed = ImageChangeRecord & { nextSteps: ImageNextStep[] };
/** One step of a change's path: the state it reaches, and how to take it from the change as it is. */
type PathStep = [ImageChangeState, (change: ImageChangeRecord) => Promise<ImageChangeRecord>];

const ROLES: Role[] = [
  'provider-admin',
  'provider-engineer',
  'provider-support',
  'customer-admin',
  'customer-member',
];

const STATES: Record<ImageChangeKind, ImageChangeState[]> = {
  rollback: ['requested', 'approved', 'deploying', 'deploy-failed', 'deployed', 'resolved', 'rejected'],
  upgrade: [
    'requested',
    'approved',
    'deploying',
    'deploy-failed',
    'on-test',
    'signed-off',
    'completed',
    'rejected',
  ],
};

/**
 * Every step the workflow has, written out here on its own (not read from the table under test), each
 * with a body the route validates, so a refusal is about the role or the state, never the input.
 */
interface Attempt {
  step: ImageNextStep['step'];
  path: (change: ImageChangeRecord) => string;
  body: (change: ImageChangeRecord) => Record<string, unknown>;
}

function onRequest(step: Attempt['step'], action: string, body: Attempt['body'] = () => ({})): Attempt {
  return { step, path: (c) => `/api/v1/${c.kind}-requests/${c.id}/${action}`, body };
}

/** A deployer report on each instance of the change (the test stage's and the change's own). */
function onInstances(step: Attempt['step'], action: string): Attempt[] {
  return ['test', 'own'].map((which) => ({
    step,
    path: (c: ImageChangeRecord) => {
      const instance =
        which === 'test'
          ? (c.stages.find((s) => s.purpose === 'test')?.instanceId ?? c.instanceId)
          : c.instanceId;
      return `/api/v1/instances/${encodeURIComponent(instance)}/image/deployment/${action}`;
    },
    body: () => ({}),
  }));
}

const REVIEW = () => ({ reason: 'Reviewed in the drift test', acknowledgeBreaks: true });
const DEPLOYER: Attempt[] = [
  ...onInstances('deployed', 'confirm'),
  ...onInstances('failed', 'fail'),
  ...onInstances('retry', 'retry'),
];

const ATTEMPTS: Record<ImageChangeKind, Attempt[]> = {
  rollback: [
    onRequest('approve', 'approve', REVIEW),
    onRequest('reject', 'reject', REVIEW),
    onRequest('accept', 'accept', (c) => ({ reportHash: c.reportHash })),
    onRequest('refresh', 'refresh'),
    onRequest('confirm', 'confirm', () => ({ note: 'Fixed' })),
    onRequest('reopen', 'reopen', () => ({ information: 'Still failing' })),
    ...DEPLOYER,
  ],
  upgrade: [
    onRequest('approve', 'approve', REVIEW),
    onRequest('reject', 'reject', REVIEW),
    onRequest('signoff', 'signoff', () => ({ note: 'Green on test' })),
    onRequest('promote', 'promote'),
    onRequest('override', 'promote', () => ({ overrideNoTestInstance: true, reason: 'Accepted risk' })),
    ...DEPLOYER,
  ],
};

describe.each(engines)('image change nextSteps agree with the workflow (%s)', (engine) => {
  let server: TestServer;
  let database: ScratchDatabase | undefined;
  const tokens = new Map<Role, string>();
  let engineer: Actor;
  let bea: Actor;
  let freshInstance: FreshImageInstance;

  beforeAll(async () => {
    if (engine === 'postgres') database = await createScratchDatabase('ratchet_next_steps');
    server = await startTestServer({
      quotas: UNLIMITED_QUOTAS,
      ...storeOptionsFor(database),
    });
    const { users } = server.seed;
    engineer = actorOf(users.providerEngineer.user);
    bea = actorOf(users.bea.user);
    for (const [role, token] of await tokensForEveryRole(server, { label: 'steps', withIngestion: false }))
      tokens.set(role, token);
    freshInstance = await demoImageInstances(server, engineer, 'drift');
  }, 120_000);
  afterAll(async () => {
    await server.close();
    await database?.drop();
  });

  /** A new change of `kind`, driven by the workflows to `state` by the roles that own each step. */
  async function changeIn(kind: ImageChangeKind, state: ImageChangeState): Promise<ImageChangeRecord> {
    const { store } = server;
    const review = { reason: 'Reviewed' };
    if (kind === 'rollback') {
      const instance = await freshInstance('production');
      const change = await requestRollback(store, bea, {
        instance,
        package: 'dbt-core',
        target: '==1.10.*',
        reason: 'Models fail on 1.11',
      });
      const path: PathStep[] = [
        ['approved', (now) => approveRollback(store, engineer, { id: now.id, ...review })],
        ['deploying', (now) => acceptRollback(store, bea, { id: now.id, reportHash: now.reportHash })],
        ['deployed', () => confirmImageDeployment(store, engineer, { instance })],
        ['resolved', (now) => confirmRollback(store, bea, { id: now.id })],
      ];
      if (state === 'rejected') return rejectRollback(store, engineer, { id: change.id, ...review });
      if (state === 'deploy-failed') path.splice(2, 2, ['deploy-failed', failDeployment(instance)]);
      return walk(change, path, state);
    }
    // An upgrade waits in "approved" only on production without a test instance.
    const test = state === 'approved' ? undefined : await freshInstance('test');
    const instance = await freshInstance('production', test);
    const change = await requestUpgrade(store, bea, {
      instance,
      requirements: ['dbt-core>=1.11.1'],
      reason: 'The 1.11.1 fix',
    });
    if (state === 'rejected') return rejectUpgrade(store, engineer, { id: change.id, ...review });
    const path: PathStep[] = [
      [
        test === undefined ? 'approved' : 'deploying',
        (now) => approveUpgrade(store, engineer, { id: now.id, ...review }),
      ],
      ['on-test', () => confirmImageDeployment(store, engineer, { instance: test! })],
      ['signed-off', (now) => signOffUpgrade(store, bea, { id: now.id })],
      ['deploying', (now) => promoteUpgrade(store, bea, { id: now.id })],
      ['completed', () => confirmImageDeployment(store, engineer, { instance })],
    ];
    if (state === 'deploy-failed') path.splice(1, 4, ['deploy-failed', failDeployment(test!)]);
    return walk(change, path, state);
  }

  /** Takes `path`'s steps in order, each reaching the state beside it, until the change is in `state`. */
  async function walk(
    requested: ImageChangeRecord,
    path: readonly PathStep[],
    state: ImageChangeState,
  ): Promise<ImageChangeRecord> {
    let change = requested;
    for (const [reached, step] of path) {
      if (change.state === state) break;
      change = await step(change);
      expect(change.state).toBe(reached);
    }
    expect(change.state).toBe(state);
    return change;
  }

  function failDeployment(instance: string): PathStep[1] {
    return () => failImageDeployment(server.store, engineer, { instance, error: 'image pull failed' });
  }

  async function viewAs(role: Role, change: ImageChangeRecord): Promise<Listed> {
    const shown = await server.call('GET', `/api/v1/${change.kind}-requests/${change.id}`, {
      token: tokens.get(role)!,
    });
    expect(shown.status, shown.text).toBe(200);
    return shown.json as unknown as Listed;
  }

  const cases = (Object.keys(STATES) as ImageChangeKind[]).flatMap((kind) =>
    STATES[kind].map((state) => [kind, state] as const),
  );

  it.each(cases)(
    'a %s in state %s: each role may take exactly the steps nextSteps gives it',
    async (kind, state) => {
      const change = await changeIn(kind, state);
      const yours: [Role, ImageNextStep][] = [];
      for (const role of ROLES) {
        const view = await viewAs(role, change);
        expect(view.state).toBe(state);
        // The list route sends the same steps for the same caller.
        const listed = await server.call(
          'GET',
          `/api/v1/instances/${encodeURIComponent(change.instanceId)}/image/${kind}-requests`,
          { token: tokens.get(role)! },
        );
        const inList = (listed.json['requests'] as Listed[]).find((c) => c.id === change.id);
        expect(inList?.nextSteps).toEqual(view.nextSteps);
        for (const step of view.nextSteps) {
          expect(step.allowed, `${role} ${step.step}`).toBe(step.roles.includes(role));
          if (step.allowed) yours.push([role, step]);
        }
        // Every step not offered to this role is refused (403 for the role, 409 for the state) and changes nothing.
        const offered = new Set(view.nextSteps.filter((s) => s.allowed).map((s) => s.step));
        for (const attempt of ATTEMPTS[kind].filter((a) => !offered.has(a.step))) {
          const refused = await server.call('POST', attempt.path(change), {
            token: tokens.get(role)!,
            body: attempt.body(change),
          });
          expect([403, 409], `${role} ${attempt.step} on a ${state} ${kind}: ${refused.text}`).toContain(
            refused.status,
          );
        }
        const after = await viewAs('provider-admin', change);
        expect([after.state, after.version]).toEqual([state, change.version]);
      }
      // Every step offered to a role is accepted, posted as the server describes it (each on a change of its own).
      for (const [index, [role, offered]] of yours.entries()) {
        const target = index === 0 ? change : await changeIn(kind, state);
        const step = (await viewAs(role, target)).nextSteps.find((s) => s.step === offered.step)!;
        const taken = await server.call(step.method, step.path, {
          token: tokens.get(role)!,
          body: stepBody(step, 'drift test'),
        });
        expect(taken.status, `${role} ${step.step} on a ${state} ${kind}: ${taken.text}`).toBe(200);
        expect((taken.json as { version: number }).version).toBeGreaterThan(target.version);
      }
      // A state the process leaves open offers somebody a step; an ended one offers none.
      const ended = ['resolved', 'rejected', 'completed'].includes(state);
      expect(yours.length === 0).toBe(ended);
    },
    120_000,
  );
});

/**
 * The image change table (machine.ts) read by refusals, notifications and the status strip: the step
 * each state waits for is one the table lets that state take, owned by the roles its permission
 * names; and the next steps a viewer is sent carry the acknowledgement and the stage where they apply.
 */
import { describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../../domain/roles/index.js';
import {
  awaitedStepNames,
  IMAGE_PATHS,
  IMAGE_STEPS,
  imageStep,
  NEXT_STEPS,
  pathDisagreement,
  REQUEST_PERMISSION,
  stepsFrom,
} from './machine.js';
import type { ImagePathName, ImagePathRule } from './machine.js';
import { nextStepsFor } from './next-steps.js';
import { pathNameOf, pathOf } from './path.js';
import { IMAGE_CHANGE_STATES } from './types.js';
import type { DeploymentStage, ImageChangeKind, ImageChangeRecord, ImageChangeState } from './types.js';

const KINDS: ImageChangeKind[] = ['rollback', 'upgrade'];
const STATES = IMAGE_CHANGE_STATES;

describe('the image change table', () => {
  it.each(KINDS)('a %s waits only for steps its state may take', (kind) => {
    for (const state of STATES) {
      const takeable = stepsFrom(kind, state).map((s) => s.name);
      for (const name of awaitedStepNames(kind, state)) expect(takeable, `${kind} ${state}`).toContain(name);
      // A state that takes no step waits for none, and one that waits names who it waits for.
      expect(NEXT_STEPS[kind][state] === undefined, `${kind} ${state}`).toBe(
        awaitedStepNames(kind, state).length === 0,
      );
    }
  });

  it('names the owners of the awaited step from the steps’ permissions', () => {
    expect(NEXT_STEPS.rollback.requested?.roles).toEqual(['provider-engineer']);
    expect(NEXT_STEPS.rollback.approved?.roles).toEqual(['customer-admin']);
    expect(NEXT_STEPS.upgrade.approved?.roles).toEqual(['provider-admin']);
    expect(NEXT_STEPS.upgrade['signed-off']?.roles).toEqual(['customer-admin', 'provider-engineer']);
    expect(NEXT_STEPS.upgrade.deploying?.roles).toEqual(['provider-admin', 'provider-engineer']);
  });

  it('ends a change in rejected, resolved or completed: no step leaves them', () => {
    for (const kind of KINDS) {
      for (const state of ['rejected', 'resolved', 'completed'] as const) {
        expect(stepsFrom(kind, state)).toEqual([]);
      }
    }
    expect(Object.keys(IMAGE_STEPS.upgrade)).not.toContain('accept');
  });
});

function upgradeIn(state: ImageChangeState, stages: ImageChangeRecord['stages']): ImageChangeRecord {
  return {
    id: 'upg_1',
    kind: 'upgrade',
    instanceId: 'ins_prod',
    state,
    stages,
    reportHash: 'a'.repeat(64),
    report: { instance: { id: 'ins_prod', name: 'acme-prod' } },
  } as ImageChangeRecord;
}

describe('nextStepsFor', () => {
  it('asks the approver, and only the approver, to acknowledge the trial’s breaks', () => {
    const steps = nextStepsFor(upgradeIn('requested', []), 'provider-engineer', 'I acknowledge it.');
    expect(steps.map((s) => [s.step, s.allowed, s.acknowledge])).toEqual([
      ['approve', true, 'I acknowledge it.'],
      ['reject', true, null],
    ]);
    expect(steps[0]!.path).toBe('/api/v1/upgrade-requests/upg_1/approve');
    expect(steps[0]!.input).toEqual({ label: 'Review note', field: 'reason', required: true });
  });

  it('sends a deployer report to the instance of the pending stage, and names it', () => {
    const change = upgradeIn('deploying', [
      {
        instanceId: 'ins_test',
        instanceName: 'acme-test',
        purpose: 'test',
        revision: 4,
        status: 'pending',
        attempts: 1,
      },
    ]);
    const [deployed] = nextStepsFor(change, 'customer-admin', null);
    expect(deployed).toMatchObject({
      step: 'deployed',
      label: 'Report deployed on acme-test',
      allowed: false,
      roles: ['provider-admin', 'provider-engineer'],
      path: '/api/v1/instances/ins_test/image/deployment/confirm',
      stage: { instanceId: 'ins_test', instanceName: 'acme-test', purpose: 'test', revision: 4 },
    });
  });
});

function stage(purpose: DeploymentStage['purpose'], status: DeploymentStage['status']): DeploymentStage {
  const instanceId = purpose === 'test' ? 'ins_test' : 'ins_prod';
  return { instanceId, instanceName: instanceId, purpose, revision: 4, status, attempts: 1 };
}

function changeOf(
  kind: ImageChangeKind,
  state: ImageChangeState,
  stages: DeploymentStage[] = [],
): ImageChangeRecord {
  return { ...upgradeIn(state, stages), kind, id: kind === 'rollback' ? 'rbr_1' : 'upg_1' };
}

const PRODUCTION_WITH_TEST = { kind: 'production', testInstanceId: 'ins_test' } as const;
const PRODUCTION_ALONE = { kind: 'production', testInstanceId: null } as const;
const TEST_ALONE = { kind: 'test', testInstanceId: null } as const;

describe('the path of an image change', () => {
  it.each(Object.keys(IMAGE_PATHS) as ImagePathName[])(
    'the %s path takes only steps the table allows, each from the stage before into its own',
    (name) => {
      const { kind, stages } = IMAGE_PATHS[name];
      expect(pathDisagreement(kind, stages)).toBeNull();
    },
  );

  it('says where a drifted path leaves the table', () => {
    const rollback = IMAGE_PATHS.rollback.stages;
    // The deployer's report does not lead out of "approved": acceptance does.
    const skipsAcceptance: ImagePathRule[] = rollback.map((s) =>
      s.state === 'deploying' ? { ...s, via: 'deployed' } : s,
    );
    expect(pathDisagreement('rollback', skipsAcceptance)).toBe(
      'the rollback path: "deployed" is not taken from approved',
    );
    // Approval does not lead to "resolved".
    const tooShort: ImagePathRule[] = [rollback[0]!, { state: 'resolved', label: 'Done', via: 'approve' }];
    expect(pathDisagreement('rollback', tooShort)).toBe(
      'the rollback path: "approve" does not lead to resolved',
    );
    expect(pathDisagreement('upgrade', rollback)).toBe(
      'the upgrade path: the upgrade table has no "accept" step',
    );
  });

  it('names as owners of each stage the roles of the step leading into it, the request first', () => {
    for (const { kind, stages } of Object.values(IMAGE_PATHS)) {
      const path = pathOf(changeOf(kind, 'requested'), PRODUCTION_WITH_TEST);
      const expected = IMAGE_PATHS[pathNameOf(changeOf(kind, 'requested'), PRODUCTION_WITH_TEST)].stages;
      expect(path.map((s) => s.roles)).toEqual(
        expected.map((s) =>
          s.via === 'request'
            ? PERMISSIONS[REQUEST_PERMISSION[kind]]
            : PERMISSIONS[imageStep(kind, s.via).permission],
        ),
      );
      expect(stages[0]!.via).toBe('request');
    }
    // The policy's rollback, by role: requested by the customer admin, approved by a provider engineer,
    // accepted by the customer admin, deployed by the provider, confirmed by the customer admin.
    expect(pathOf(changeOf('rollback', 'requested'), null).map((s) => [s.state, s.roles])).toEqual([
      ['requested', ['customer-admin']],
      ['approved', ['provider-engineer']],
      ['deploying', ['customer-admin']],
      ['deployed', ['provider-admin', 'provider-engineer']],
      ['resolved', ['customer-admin']],
    ]);
  });

  it('chooses an upgrade’s path by its first deployment, or before it by its instance', () => {
    const requested = changeOf('upgrade', 'requested');
    expect(pathNameOf(requested, PRODUCTION_WITH_TEST)).toBe('upgrade-test-first');
    expect(pathNameOf(requested, PRODUCTION_ALONE)).toBe('upgrade-override');
    expect(pathNameOf(requested, TEST_ALONE)).toBe('upgrade-direct');
    expect(pathNameOf(changeOf('upgrade', 'approved'), PRODUCTION_WITH_TEST)).toBe('upgrade-override');
    // Deployed once, the deployment decides, whatever the instance says now.
    const onTest = changeOf('upgrade', 'on-test', [stage('test', 'deployed')]);
    expect(pathNameOf(onTest, PRODUCTION_ALONE)).toBe('upgrade-test-first');
    expect(pathNameOf(changeOf('upgrade', 'deploying', [stage('target', 'pending')]), null)).toBe(
      'upgrade-direct',
    );
  });

  it('marks where the change stands: a failed deployment at its deploying stage, production apart from test', () => {
    const statuses = (change: ImageChangeRecord) =>
      pathOf(change, PRODUCTION_WITH_TEST).map((s) => `${s.state}:${s.status}`);
    expect(statuses(changeOf('rollback', 'deploy-failed', [stage('target', 'failed')]))).toEqual([
      'requested:done',
      'approved:done',
      'deploying:current',
      'deployed:todo',
      'resolved:todo',
    ]);
    const toProduction = changeOf('upgrade', 'deploying', [
      stage('test', 'deployed'),
      stage('production', 'pending'),
    ]);
    expect(statuses(toProduction)).toEqual([
      'requested:done',
      'deploying:done',
      'on-test:done',
      'signed-off:done',
      'deploying:current',
      'completed:todo',
    ]);
    const toTest = changeOf('upgrade', 'deploy-failed', [stage('test', 'failed')]);
    expect(statuses(toTest).filter((s) => s.endsWith(':current'))).toEqual(['deploying:current']);
    expect(pathOf(toTest, null).findIndex((s) => s.status === 'current')).toBe(1);
    // A rejected change left the path: it was requested, nothing after that stands.
    expect(statuses(changeOf('rollback', 'rejected'))).toEqual([
      'requested:done',
      'approved:todo',
      'deploying:todo',
      'deployed:todo',
      'resolved:todo',
    ]);
  });
});

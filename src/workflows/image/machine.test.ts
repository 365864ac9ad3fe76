/**
 * The image change table (machine.ts) read by refusals, notifications and the status strip: the step
 * each state waits for is one the table lets that state take, owned by the roles its permission
 * names; and the next steps a viewer is sent carry the acknowledgement and the stage where they apply.
 */
import { describe, expect, it } from 'vitest';
import { awaitedStepNames, IMAGE_STEPS, NEXT_STEPS, stepsFrom } from './machine.js';
import { nextStepsFor } from './next-steps.js';
import type { ImageChangeKind, ImageChangeRecord, ImageChangeState } from './types.js';

const KINDS: ImageChangeKind[] = ['rollback', 'upgrade'];
const STATES: ImageChangeState[] = [
  'requested',
  'approved',
  'rejected',
  'deploying',
  'deploy-failed',
  'deployed',
  'resolved',
  'on-test',
  'signed-off',
  'completed',
];

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

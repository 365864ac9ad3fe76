import { ConflictError } from '../errors/index.js';
import { PERMISSIONS } from '../roles/index.js';
import type { Action, Role } from '../roles/index.js';
import type { DefectState } from './types.js';

/** The steps of the defect process and which roles' step each is (enforced by PERMISSIONS). */
export type DefectStep = 'triage' | 'start-fix' | 'link' | 'close' | 'resolve' | 'reopen';

/**
 * Which states each step may start from. "reported → triaged → fix-in-progress → fix-in-test →
 * deployed → resolved", or closed (not a defect / duplicate). `deployed` is reached only by rolling
 * out the fixing release to the affected instance, never by hand.
 */
export const DEFECT_STEPS: Readonly<Record<DefectStep, readonly DefectState[]>> = {
  triage: ['reported', 'triaged'],
  'start-fix': ['triaged'],
  link: ['triaged', 'fix-in-progress'],
  close: ['reported', 'triaged', 'fix-in-progress', 'fix-in-test'],
  resolve: ['deployed'],
  reopen: ['deployed', 'resolved', 'closed'],
};

/** The permission each step's workflow checks (src/domain/roles/permissions.ts): who owns the step. */
export const DEFECT_STEP_PERMISSIONS: Readonly<Record<DefectStep, Action>> = {
  triage: 'defect.triage',
  'start-fix': 'defect.fix',
  link: 'defect.fix',
  close: 'defect.close',
  resolve: 'defect.confirm',
  reopen: 'defect.confirm',
};

/** A step a defect waits for, and the roles that own it. */
export interface NextDefectStep {
  step: DefectStep;
  roles: readonly Role[];
}

// The order the steps are offered in: the process's own order.
const STEP_ORDER: readonly DefectStep[] = ['triage', 'start-fix', 'link', 'close', 'resolve', 'reopen'];

/**
 * The steps a defect in `state` may take next and who owns each: the API sends them with every
 * defect, so the dashboard offers exactly these instead of keeping its own copy of the process.
 */
export function nextDefectSteps(state: DefectState): NextDefectStep[] {
  return STEP_ORDER.filter((step) => DEFECT_STEPS[step].includes(state)).map((step) => ({
    step,
    roles: PERMISSIONS[DEFECT_STEP_PERMISSIONS[step]],
  }));
}

const NEXT_STEP_HINT: Readonly<Record<DefectState, string>> = {
  reported: 'The provider triages it next (ratchet defect triage).',
  triaged: 'The provider starts a fix or links the hotfix release next (ratchet defect link).',
  'fix-in-progress': 'The hotfix release rolls out to the test instance next (ratchet platform rollout).',
  'fix-in-test': 'The hotfix rolls out to the affected instance next (ratchet platform rollout).',
  deployed: 'The customer confirms resolution or reopens it (ratchet defect resolve|reopen).',
  resolved: 'It is resolved; if the problem came back, reopen it (ratchet defect reopen).',
  closed: 'It is closed; the customer may reopen it if the reason does not hold (ratchet defect reopen).',
};

/** Throws ConflictError naming the current state and the next step when `step` is out of order. */
export function assertDefectStep(step: DefectStep, state: DefectState, defectId: string): void {
  if (DEFECT_STEPS[step].includes(state)) return;
  throw new ConflictError(
    `Defect ${defectId} is ${state}; "${step}" is only possible when it is ${DEFECT_STEPS[step].join(' or ')}.`,
    {
      remedy: NEXT_STEP_HINT[state],
      policy: 'defect-resolution-process',
      extra: { state, step, allowedFrom: [...DEFECT_STEPS[step]] },
    },
  );
}

export function isOpenDefect(state: DefectState): boolean {
  return state !== 'resolved' && state !== 'closed';
}

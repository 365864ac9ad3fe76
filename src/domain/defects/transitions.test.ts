import { describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../roles/index.js';
import { assertDefectStep, DEFECT_STEPS, nextDefectSteps } from './transitions.js';
import type { DefectState } from './types.js';

const STATES: DefectState[] = [
  'reported',
  'triaged',
  'fix-in-progress',
  'fix-in-test',
  'deployed',
  'resolved',
  'closed',
];

describe('nextDefectSteps', () => {
  it('offers exactly the steps the workflow accepts in each state', () => {
    for (const state of STATES) {
      const offered = nextDefectSteps(state).map((next) => next.step);
      for (const step of Object.keys(DEFECT_STEPS) as (keyof typeof DEFECT_STEPS)[]) {
        const accepted = (() => {
          try {
            assertDefectStep(step, state, 'def_1');
            return true;
          } catch {
            return false;
          }
        })();
        expect(offered.includes(step), `${step} in ${state}`).toBe(accepted);
      }
    }
  });

  it('names the owners the permissions give: the provider triages, the customer confirms', () => {
    expect(nextDefectSteps('reported')).toEqual([
      { step: 'triage', roles: PERMISSIONS['defect.triage'] },
      { step: 'close', roles: PERMISSIONS['defect.close'] },
    ]);
    expect(nextDefectSteps('triaged').map((next) => next.step)).toEqual([
      'triage',
      'start-fix',
      'link',
      'close',
    ]);
    expect(nextDefectSteps('deployed')).toEqual([
      { step: 'resolve', roles: PERMISSIONS['defect.confirm'] },
      { step: 'reopen', roles: PERMISSIONS['defect.confirm'] },
    ]);
    expect(nextDefectSteps('closed').map((next) => next.step)).toEqual(['reopen']);
  });
});

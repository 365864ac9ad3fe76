export type {
  Defect,
  DefectCloseOutcome,
  DefectState,
  Severity,
  SeverityDefinition,
  SlaClock,
  SlaClockName,
} from './types.js';
export { DEFAULT_SEVERITIES, isSeverity, SEVERITIES } from './severities.js';
export type { DefectStep, NextDefectStep } from './transitions.js';
export {
  assertDefectStep,
  DEFECT_STEP_PERMISSIONS,
  DEFECT_STEPS,
  isOpenDefect,
  nextDefectSteps,
} from './transitions.js';
export { slaClocks } from './sla.js';

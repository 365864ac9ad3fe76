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
export type { DefectStep } from './transitions.js';
export { assertDefectStep, DEFECT_STEPS, isOpenDefect } from './transitions.js';
export { slaClocks } from './sla.js';

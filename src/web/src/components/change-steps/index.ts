export { NextSteps } from './next-steps';
export { noStepWaiting, STEP_TONES } from './steps';
export type { StepName } from './steps';

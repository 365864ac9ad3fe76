export { NextSteps } from './next-steps';
export { ChangePath } from './path';
export { noStepWaiting, STEP_TONES } from './steps';
export type { StepName } from './steps';

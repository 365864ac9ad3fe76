export { NextSteps } from './next-steps';
export { DEPLOYER_REPORTS, noStepWaiting, requestStep, RETRY_DEPLOYMENT, reviewSteps } from './steps';
export type { ChangeStep } from './steps';

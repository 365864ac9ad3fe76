/*
 * Per-instance deployers for the customer image (issue 4, "Deployers"): which deployer runs an
 * instance's image, the hand-off of a pending revision to it after the step's transaction committed,
 * the signed webhook callback, and resuming hand-offs a crash interrupted.
 */
export { DeployerSettings, InstanceDeployerInput } from './schema.js';
export { getInstanceDeployer, setInstanceDeployer } from './config.js';
export type { InstanceDeployerView } from './config.js';
export {
  DEPLOYER_ACTOR,
  handOffDeployment,
  installDeployerHandOff,
  recordDeployResult,
  resumePendingDeployments,
  settleHandOffs,
  startHandOff,
} from './handoff.js';
export type { HandOffOutcome, ResumeReport } from './handoff.js';
export { receiveDeployCallback } from './callback.js';

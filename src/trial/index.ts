/*
 * The trial (issue 16): adapters that build Python environments (uv, pip as the fallback) and run
 * customer dbt projects (git, dbt) against today's image and a candidate one.
 */
export type {
  BuiltEnvironment,
  DbtDeprecation,
  EnvironmentSpec,
  PackageSourceRef,
  ProjectRun,
  ProjectTrialResult,
  TrialPin,
  TrialProject,
  TrialVerdict,
} from './types.js';
export { trialConfigFromEnv } from './config.js';
export type { TrialConfig } from './config.js';
export { describeFailure, runProcess, TrialProcessError } from './process.js';
export type { ProcessLimits, ProcessResult } from './process.js';
export { environmentLockHash, materialiseEnvironment, pruneEnvironments } from './environments.js';
export { checkoutProject } from './checkout.js';
export type { Checkout } from './checkout.js';
export { adapterOf, readDbtLog, runDbtProject } from './dbt.js';
export { runTrial } from './run-trial.js';
export type { TrialEnvironmentSummary, TrialInput, TrialOutcome, TrialProgress } from './run-trial.js';
export { trialVerdict } from './verdict.js';

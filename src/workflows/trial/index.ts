/*
 * The trial's use cases (issue 16): registered projects per instance, and trials as jobs.
 */
export {
  AddProjectBody,
  AddProjectInput,
  ProjectName,
  ProjectPath,
  StartTrialBody,
  StartTrialInput,
} from './schema.js';
export { assertRepoAllowed, parseRepoAllowList } from './allow-list.js';
export { addProject, listProjects, readProjectsForTrial, removeProject } from './projects.js';
export type { ProjectView, StoredProject } from './projects.js';
export {
  cancelTrial,
  getTrial,
  listTrials,
  packageSourceOf,
  prepareTrial,
  startTrial,
  toView as trialViewOf,
} from './trials.js';
export type { TrialView } from './trials.js';
export { TrialRunner, trialLeaseMsFromEnv, workOf } from './runner.js';
export type { PreparedTrial, TrialResult, TrialRunnerOptions, TrialState } from './runner.js';

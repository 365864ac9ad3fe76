/*
 * The customer-image lifecycle (issue 4): upgrades through test to production, and the policy's
 * last-resort rollback request. Each workflow is `(store, actor, input)`.
 */
export type {
  DependencyReview,
  DeploymentStage,
  ForwardFixFollowUp,
  ImageChangeKind,
  ImageChangeNote,
  ImageChangeRecord,
  ImageChangeReport,
  ImageChangeState,
  PinFiles,
  RollbackPin,
  StageStatus,
} from './types.js';
export {
  AcceptInput,
  DecideInput,
  DeployReportInput,
  ImageChangeRefInput,
  ImageSourceInput,
  PromoteInput,
  ReopenInput,
  RequestRollbackInput,
  RequestUpgradeInput,
  ResolveInput,
  SignOffInput,
} from './schema.js';
export { FINISHED_STATES, IMAGE_CHANGE_STATES } from './types.js';
export { DEFAULT_IMAGE_NOTIFICATIONS, notifyStep } from './notify.js';
export type { ImageNotificationConfig } from './notify.js';
export { onCommittedImageStep } from './after-commit.js';
export type { CommittedStepListener } from './after-commit.js';
export { hashReport } from './report.js';
export { imageWorkflowRepository } from './repository.js';
export type { ImageWorkflowRepository } from './repository.js';
export { openPackageSource } from './source.js';
export {
  IMAGE_PATHS,
  IMAGE_STEPS,
  imageStep,
  NEXT_STEPS,
  pathStepRoles,
  REQUEST_PERMISSION,
  stepRoles,
  stepsFrom,
} from './machine.js';
export type {
  ImagePathName,
  ImagePathRule,
  ImagePathStep,
  ImageStepInput,
  ImageStepName,
  ImageStepRule,
} from './machine.js';
export { pathNameOf, pathOf } from './path.js';
export type { ImagePathStage, PathInstance } from './path.js';
export { imageRequestRights } from './request-rights.js';
export type { ImageRequestRight, ImageRequestRights } from './request-rights.js';
export { setReviewTrialRunner } from './trial-step.js';
export { notifyReviewTrialOwners, notifyTrialOwners, TARGETED_FIXES } from './trial-guidance.js';
export {
  acceptRollback,
  approveRollback,
  confirmRollback,
  DEFAULT_PIN_DAYS,
  refreshRollback,
  rejectRollback,
  reopenRollback,
  requestRollback,
} from './rollback.js';
export { approveUpgrade, promoteUpgrade, rejectUpgrade, requestUpgrade, signOffUpgrade } from './upgrade.js';
export { confirmImageDeployment, failImageDeployment, retryImageDeployment } from './deploy.js';
export {
  diffImage,
  exportImage,
  getImageChange,
  listForwardFixFollowUps,
  listImageChanges,
  listRollbackPins,
  setImageSource,
  showImage,
} from './queries.js';
export type { ImageChangeView, ImageDiffEntry, ImageOverview, ListedImageChange } from './queries.js';
export { nextStepsFor } from './next-steps.js';
export type { ImageNextStep, NextStepBody, NextStepStage } from './next-steps.js';
export { DEMO_UNIVERSE } from './demo-universe.js';
export { seedDemoImage, writeDemoWheels } from './demo.js';
export { renderImageExport } from './lock-export.js';
export type { ImageExportFormat, RenderedImage } from './lock-export.js';
export { importImage, ImportImageInput } from './import.js';
export type { ImportedImage } from './import.js';
export { detectLockFormat, LOCK_FORMATS, readLock } from './import-lock.js';
export type { LockFormat, ReadLock } from './import-lock.js';

/* The success responses of /api/v1 routes whose shapes the workflows define (see same-shape.ts). */
export { DefectBody, SeverityNumber } from './defect.js';
export { InstanceDeployerBody } from './deployer.js';
export {
  DeployCallbackBody,
  FollowUpsBody,
  ImageChangeBody,
  ImageChangeViewBody,
  ImageCheckBody,
  ImportedImageBody,
  ProjectEvidenceBody,
  ReviewTrialStepBody,
  ImageChangeListBody,
  ImageNextStepBody,
  ImagePathStageBody,
  ListedImageChangeBody,
  ImageChangeState,
  ImageDiffBody,
  ImageOverviewBody,
  ImageSourceBody,
  RollbackPinsBody,
} from './image.js';
export { ImpactAnswerBody, ImpactReportBody } from './impact.js';
export {
  ActionRightBody,
  ActionRightsBody,
  ImageRequestRightBody,
  ImageRequestRightsBody,
  MeAnswerBody,
} from './me.js';
export { TrialBody, TrialListBody } from './trial.js';
export { OutcomeBucketBody, OutcomesHistoryBody } from './outcomes.js';

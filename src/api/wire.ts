/**
 * The shapes /api/v1 sends, as TypeScript types inferred from the very zod schemas that shape and
 * validate the responses (src/api/schema.ts, src/api/responses/). Types only: the dashboard
 * (src/web) and the CLI import these instead of writing the shapes down again, so a field the
 * server adds or renames is a type error where it is read.
 *
 * Only schema modules are imported here (never workflows or the store), so the dashboard's type
 * check never pulls in server code.
 */
import type { z } from 'zod';
import type {
  ImageContent as ImageContentSchema,
  InfrastructureContent as InfrastructureContentSchema,
  PackagePin as PackagePinSchema,
  PlatformContent as PlatformContentSchema,
} from '../domain/revisions/index.js';
import type { DefectBody, NextDefectStepBody } from './responses/defect.js';
import type { InstanceDeployerBody } from './responses/deployer.js';
import type {
  DependencyReviewBody,
  DeploymentStageBody,
  ForwardFixFollowUpBody,
  ImageChangeBody,
  ImageChangeViewBody,
  ImageNextStepBody,
  ImagePathStageBody,
  ListedImageChangeBody,
  ProjectEvidenceBody,
  ImageChangeNoteBody,
  ImageChangeReportBody,
  ImageChangeState as ImageChangeStateSchema,
  ImageDiffBody,
  ImageOverviewBody,
  RollbackPinBody,
  TargetAvailabilityBody,
  ViolationBody,
} from './responses/image.js';
import type {
  AffectedUserBody,
  EvidenceRunBody,
  ImpactAnswerBody,
  ImpactReportBody,
  JobImpactBody,
  PipelineImpactBody,
  Verdict as VerdictSchema,
} from './responses/impact.js';
import type { ActionRightBody, ImageRequestRightBody, MeAnswerBody } from './responses/me.js';
import type { OutcomeBucketBody, OutcomesHistoryBody } from './responses/outcomes.js';
import type { TrialBody } from './responses/trial.js';
import type {
  InstanceBody,
  LayerParam,
  LayerPolicyBody,
  ListedRevisionBody,
  PolicyBody,
  RevisionBody,
  RoleName,
  TenantBody,
} from './schema.js';

// ---- the foundation ---------------------------------------------------------------------------

export type Role = z.infer<typeof RoleName>;
export type Layer = z.infer<typeof LayerParam>;
/** GET /api/v1/me: the caller, and the image changes they may start. */
export type Me = z.infer<typeof MeAnswerBody>;
export type ImageRequestRight = z.infer<typeof ImageRequestRightBody>;
/** Me.may: whether the caller may take one of the dashboard's actions, and who may. */
export type ActionRight = z.infer<typeof ActionRightBody>;
export type Tenant = z.infer<typeof TenantBody>;
export type Instance = z.infer<typeof InstanceBody>;
export type PackagePin = z.infer<typeof PackagePinSchema>;
export type ImageContent = z.infer<typeof ImageContentSchema>;
export type PlatformContent = z.infer<typeof PlatformContentSchema>;
export type InfrastructureContent = z.infer<typeof InfrastructureContentSchema>;
export type Revision = z.infer<typeof RevisionBody>;
/** A revision in a listing (GET .../revisions): with the recorder's display name. */
export type ListedRevision = z.infer<typeof ListedRevisionBody>;
export type LayerPolicy = z.infer<typeof LayerPolicyBody>;
export type PolicyDocument = z.infer<typeof PolicyBody>;

// ---- platform defects -------------------------------------------------------------------------

export type Defect = z.infer<typeof DefectBody>;
export type NextDefectStep = z.infer<typeof NextDefectStepBody>;
export type SlaClock = Defect['sla'][number];

// ---- the customer image -----------------------------------------------------------------------

export type ImageChange = z.infer<typeof ImageChangeBody>;
/** One change as its decision page reads it (GET .../rollback-requests/{id}): with its trial and evidence. */
export type ImageChangeView = z.infer<typeof ImageChangeViewBody>;
export type ProjectEvidence = z.infer<typeof ProjectEvidenceBody>;
/** A change in a listing (GET .../rollback-requests): with the steps the caller may take next. */
export type ListedImageChange = z.infer<typeof ListedImageChangeBody>;
/** One step an image change may take now, for the caller: the dashboard renders these (issue 18). */
export type ImageNextStep = z.infer<typeof ImageNextStepBody>;
/** One stage of the path an image change takes, with the roles that own the step into it (issue 18). */
export type ImagePathStage = z.infer<typeof ImagePathStageBody>;
export type ImageChangeState = z.infer<typeof ImageChangeStateSchema>;
export type ImageChangeReport = z.infer<typeof ImageChangeReportBody>;
export type DependencyReview = z.infer<typeof DependencyReviewBody>;
export type PackageMove = DependencyReview['changes'][number];
export type Violation = z.infer<typeof ViolationBody>;
export type TargetAvailability = z.infer<typeof TargetAvailabilityBody>;
export type DeploymentStage = z.infer<typeof DeploymentStageBody>;
export type ImageChangeNote = z.infer<typeof ImageChangeNoteBody>;
export type ImageOverview = z.infer<typeof ImageOverviewBody>;
export type ImageDiff = z.infer<typeof ImageDiffBody>;
export type RollbackPin = z.infer<typeof RollbackPinBody>;
export type ForwardFixFollowUp = z.infer<typeof ForwardFixFollowUpBody>;
export type InstanceDeployer = z.infer<typeof InstanceDeployerBody>;
export type Trial = z.infer<typeof TrialBody>;

// ---- impact -----------------------------------------------------------------------------------

export type Verdict = z.infer<typeof VerdictSchema>;
export type EvidenceRun = z.infer<typeof EvidenceRunBody>;
export type JobImpact = z.infer<typeof JobImpactBody>;
export type PipelineImpact = z.infer<typeof PipelineImpactBody>;
export type AffectedUser = z.infer<typeof AffectedUserBody>;
export type ImpactReport = z.infer<typeof ImpactReportBody>;
/** GET /api/v1/instances/{instanceId}/impact */
export type ImpactAnswer = z.infer<typeof ImpactAnswerBody>;

// ---- the outcomes chart ---------------------------------------------------------------------------

export type OutcomesHistory = z.infer<typeof OutcomesHistoryBody>;
export type OutcomeBucket = z.infer<typeof OutcomeBucketBody>;

// ---- activity history and the status strip (issue 17) ---------------------------------------------
// Plain types without imports (the routes' zod schemas are checked against them at compile time).

export type {
  ActivityActor,
  ActivityEntry,
  ChangeActivity,
  ChangeKind,
} from '../workflows/activity/types.js';
export type {
  InFlightItem,
  InFlightKind,
  InstanceStrip,
  LayerStrip,
  StripLayer,
} from '../workflows/status/types.js';

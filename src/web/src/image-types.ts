// Wire shapes of the image workflow as the dashboard reads them: inferred on the server (src/api/wire.ts).
export type {
  AffectedUser,
  DeploymentStage,
  EvidenceRun,
  ImageChange,
  ImageChangeView,
  ImageNextStep,
  ListedImageChange,
  ImageChangeNote as ChangeNote,
  ImageChangeReport as ChangeReport,
  ImageChangeState as ChangeState,
  ImageOverview as ImageView,
  ImpactReport,
  JobImpact,
  PackageMove,
  PipelineImpact,
  ProjectEvidence,
  TargetAvailability,
  Trial,
  Verdict,
  Violation,
} from '../../api/wire';
import type { Trial } from '../../api/wire';

/** One project of a finished trial. */
export type ProjectTrialResult = NonNullable<Trial['result']>['projects'][number];
export type TrialVerdict = ProjectTrialResult['verdict'];
/** A deprecation dbt reported (its D0xx event). */
export type DbtDeprecation = ProjectTrialResult['candidate']['deprecations'][number];

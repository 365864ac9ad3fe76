// Wire shapes of the image workflow as the dashboard reads them: inferred on the server (src/api/wire.ts).
export type {
  AffectedUser,
  DeploymentStage,
  EvidenceRun,
  ImageChange,
  ImageChangeNote as ChangeNote,
  ImageChangeReport as ChangeReport,
  ImageChangeState as ChangeState,
  ImageOverview as ImageView,
  ImpactReport,
  JobImpact,
  PackageMove,
  PipelineImpact,
  TargetAvailability,
  Verdict,
  Violation,
} from '../../api/wire';

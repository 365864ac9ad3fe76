// The public face of run evidence and blast-radius classification (ARCHITECTURE.md: pure, no I/O).
export {
  describePosition,
  parseEventBatch,
  parseRunEvent,
  RunEvent,
  RunEventType,
} from './openlineage/index.js';
export type { ParsedBatch, Position } from './openlineage/index.js';
export {
  Deployment,
  dropMalformedFacets,
  EvidenceContext,
  extractRunEvidence,
  globMatches,
  OwnershipRule,
} from './evidence/index.js';
export type { DroppedFacet, OwnerSource, RevisionSource, RunEvidence, RunOutcome } from './evidence/index.js';
export {
  constraintsFromJson,
  constraintsOfDbtProject,
  DeclaredConstraint,
  excludingConstraints,
  parseDbtProject,
  ProjectConstraints,
} from './dbt/index.js';
export type { DbtProject } from './dbt/index.js';
export {
  attributeRuns,
  canonicalJson,
  classifyChangeImpact,
  matchesTarget,
  mergeProjectEvidence,
  PIPELINE_ORDER,
  reportHash,
  withRunAttribution,
} from './classify/index.js';
export type {
  AffectedUser,
  ChangeDirection,
  ChangeRequest,
  ClassifiedEvidence,
  ClassifyInput,
  EvidenceSource,
  PredictedProject,
  ProjectEvidence,
  ProjectEvidenceEntry,
  EvidenceRun,
  GroupImpact,
  ImpactReport,
  JobImpact,
  PackageChange,
  PipelineImpact,
  RevisionPins,
  RunSide,
  Verdict,
  VerdictBasis,
  VerdictCounts,
} from './classify/index.js';

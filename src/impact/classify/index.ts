export type {
  AffectedUser,
  ChangeDirection,
  ChangeRequest,
  ClassifiedEvidence,
  ClassifyInput,
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
} from './types.js';
export { PIPELINE_ORDER, classifyChangeImpact } from './classify.js';
export { attributeRuns, withRunAttribution } from './attribution.js';
export { canonicalJson, reportHash } from './hash.js';
export { mergeProjectEvidence } from './project-evidence.js';
export type {
  EvidenceSource,
  PredictedProject,
  ProjectEvidence,
  ProjectEvidenceEntry,
} from './project-evidence.js';
export { matchesTarget } from './revisions.js';

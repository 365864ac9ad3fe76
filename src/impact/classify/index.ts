export type {
  AffectedUser,
  ChangeDirection,
  ChangeRequest,
  ClassifiedEvidence,
  ClassifyInput,
  EvidenceRun,
  GroupImpact,
  ImpactReport,
  PackageChange,
  PipelineImpact,
  RevisionPins,
  RunSide,
  Verdict,
  VerdictBasis,
  VerdictCounts,
} from './types.js';
export { classifyChangeImpact } from './classify.js';
export { canonicalJson, reportHash } from './hash.js';

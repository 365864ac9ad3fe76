// Run evidence in, blast radius out (issue 5): ingestion, attribution mappings, impact reports.
export type { ImpactAnswer, ImpactQuery, EvidenceListing } from './impact.js';
export { impactForChange, impactOfChanges, listEvidence } from './impact.js';
export type { IngestInput, IngestResult, IssuedIngestionToken } from './ingest.js';
export { ingestRunEvents, issueIngestionToken } from './ingest.js';
export type { InstanceNamespaces, TenantConstraints, TenantOwnership } from './mappings.js';
export {
  declareConstraints,
  getConstraints,
  getNamespaces,
  getOwnership,
  setNamespaces,
  setOwnership,
} from './mappings.js';
export type { JobEvidenceRow } from '../../store/index.js';
export { countRunEvents } from '../../store/index.js';
export {
  ChangeSpec,
  DeclareConstraintsInput,
  EvidenceListInput,
  ImpactInput,
  IssueIngestionTokenInput,
  SetNamespacesInput,
  SetOwnershipInput,
  WindowDays,
} from './schema.js';
export type { DemoEvidence } from './demo.js';
export { DEMO_UPGRADE_DAY, demoEvidenceStart, seedDemoEvidence } from './demo.js';
export { outcomesHistory } from './outcomes.js';
export type { DeploymentMarker, OutcomeBucket, OutcomesHistory, PipelineOutcomes } from './outcomes.js';

export type { OwnerSource, RevisionSource, RunEvidence, RunOutcome } from './types.js';
export { Deployment, EvidenceContext, OwnershipRule } from './schema.js';
export { extractRunEvidence } from './extract.js';
export { globMatches } from './glob.js';
export { dropMalformedFacets } from './sanitize.js';
export type { DroppedFacet } from './sanitize.js';

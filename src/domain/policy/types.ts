import type { Layer } from '../layers/types.js';

/** Stable ids of the policy clauses Ratchet enforces; carried as `PolicyError.policy`. */
export type PolicyId =
  | 'infrastructure-final'
  | 'platform-forward-fix'
  | 'platform-version-increases'
  | 'image-rollback-by-request'
  | 'image-rollback-outside-request';

/** `never`: an applied change is final. `by-request`: only through the reviewed rollback request, as a last resort. */
export type RollbackCapability = 'never' | 'by-request';

/** One row of the policy's first table, with the sentence that justifies it. */
export interface LayerRollbackPolicy {
  layer: Layer;
  /** The layer's name as the policy document writes it. */
  title: string;
  policy: PolicyId;
  capability: RollbackCapability;
  /** The policy table's "Rollback Capability" cell. */
  capabilityText: string;
  /** The policy table's "Responsibility" cell. */
  responsibility: string;
  /** Verbatim sentence(s) from rollback-strategy.txt that the rule rests on. */
  reason: string;
  /** What to do instead of going back. */
  remedy: string;
}

/** One row of the policy's "Summary of Responsibilities" table. */
export interface ResponsibilityRow {
  scenario: string;
  /** The provider's (Datacoves') part. */
  provider: string;
  /** The customer's part. */
  customer: string;
}

/** The whole policy as data: served by `GET /api/v1/policy`, rendered to docs/policy.md. */
export interface RollbackPolicyDocument {
  source: string;
  layers: LayerRollbackPolicy[];
  responsibilities: ResponsibilityRow[];
}

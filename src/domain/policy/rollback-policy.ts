import type { Layer } from '../layers/types.js';
import type { LayerRollbackPolicy, ResponsibilityRow, RollbackPolicyDocument } from './types.js';

// Every quoted string below is copied verbatim from rollback-strategy.txt; policy.test.ts checks it
// against the shared document so the product cannot drift from the policy it enforces.

export const LAYER_POLICIES: Readonly<Record<Layer, LayerRollbackPolicy>> = {
  infrastructure: {
    layer: 'infrastructure',
    title: 'Infrastructure',
    policy: 'infrastructure-final',
    capability: 'never',
    capabilityText: 'Cannot be undone once applied',
    responsibility: 'Datacoves + Customer (collaborative upgrade, no rollback)',
    reason:
      'Once an infrastructure upgrade is applied, it cannot be undone. Customers and Datacoves should ensure thorough testing before proceeding with any infrastructure-level change.',
    remedy:
      'Plan a new forward infrastructure change with the customer, test it on both sides, then apply it.',
  },
  platform: {
    layer: 'platform',
    title: 'Platform Services (Airflow, Python, etc.)',
    policy: 'platform-forward-fix',
    capability: 'never',
    capabilityText: 'Cannot be rolled back',
    responsibility: 'Datacoves Engineering',
    reason: 'These versions cannot be rolled back once upgraded.',
    remedy:
      'Report the defect through the support channel; a hotfix ships as a new forward release with a higher version.',
  },
  image: {
    layer: 'image',
    title: 'Customer Image (dbt, packages, libraries)',
    policy: 'image-rollback-by-request',
    capability: 'by-request',
    capabilityText: 'Technically feasible but strongly discouraged',
    responsibility: 'Customer-initiated, Datacoves-executed',
    reason:
      'While version rollback is technically feasible at this layer, it is strongly discouraged due to the risk of cascading disruptions in multi-user environments. A version rollback should be considered only as a last resort.',
    remedy:
      'Prefer a targeted forward fix; if a rollback is still necessary, submit a rollback request (it is a last resort, reviewed for dependency conflicts and impact).',
  },
};

export const RESPONSIBILITIES: readonly ResponsibilityRow[] = [
  {
    scenario: 'Infrastructure upgrade',
    provider: 'Collaborate on planning and execution',
    customer: 'Participate in testing before applying changes',
  },
  {
    scenario: 'Infrastructure rollback',
    provider: 'Cannot be undone',
    customer: 'Cannot be undone',
  },
  {
    scenario: 'Platform service defect after release',
    provider: 'Develop and deploy a hotfix as a forward release',
    customer: 'Report the issue through the support channel',
  },
  {
    scenario: 'Customer image package version issue',
    provider: 'Advise forward-fix approach; execute rollback only as a last resort with dependency review',
    customer:
      'Identify the target version, submit the request, and accept responsibility for downstream effects',
  },
];

/** The platform-release rule, quoted: releases only move forward. */
export const PLATFORM_FORWARD_REASON =
  'If a defect or regression is identified following a platform release, the Datacoves engineering team will produce and deploy a hotfix as a new forward release that corrects the identified problem, ensuring the platform remains in a consistent, forward-progressing state.';

/** The whole policy as one plain object (deep copies, so callers cannot mutate the rules). */
export function rollbackPolicy(): RollbackPolicyDocument {
  return {
    source: 'rollback-strategy.txt',
    layers: Object.values(LAYER_POLICIES).map((entry) => ({ ...entry })),
    responsibilities: RESPONSIBILITIES.map((row) => ({ ...row })),
  };
}

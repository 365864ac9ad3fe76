export type {
  LayerRollbackPolicy,
  PolicyId,
  ResponsibilityRow,
  RollbackCapability,
  RollbackPolicyDocument,
} from './types.js';
export {
  LAYER_POLICIES,
  PLATFORM_FORWARD_REASON,
  RESPONSIBILITIES,
  rollbackPolicy,
} from './rollback-policy.js';
export type { ImageHistoryEntry, ImageRevisionCheck, PackageDowngrade, RollbackAttempt } from './refusals.js';
export {
  assertImageRevisionIsForward,
  assertPlatformVersionIncreases,
  findPackageDowngrades,
  rollbackRefusal,
  sameImagePins,
} from './refusals.js';
export { renderPolicyMarkdown } from './render.js';

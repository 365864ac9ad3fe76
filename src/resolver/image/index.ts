export type {
  ImageChange,
  ImageCheck,
  ImagePlan,
  ImageTarget,
  ImageViolation,
  PlanImageChangeInput,
  ResolveResult,
  TargetAvailability,
  UnavailablePin,
  YankedPin,
} from './types.js';
export { checkAvailability, checkImage, planImageChange, resolveRequirements } from './operations.js';
export type { IgnoredRequirement } from './environment.js';
export { appliesAtRoot, describeEnvironment, splitByMarker, targetEnvironment } from './environment.js';

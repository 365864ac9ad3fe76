export * from './types.js';
export { checkAvailability, checkImage, planImageChange, resolveRequirements } from './operations.js';
export type { IgnoredRequirement } from './environment.js';
export { appliesAtRoot, describeEnvironment, splitByMarker, targetEnvironment } from './environment.js';

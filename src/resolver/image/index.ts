export * from './types.js';
export { checkAvailability, checkImage, planImageChange, resolveRequirements } from './operations.js';

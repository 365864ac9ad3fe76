export * from './types.js';
export { solve } from './solve.js';
export { planChange } from './plan.js';
export { checkConsistency } from './consistency.js';
export { formatRequirement } from './explain.js';

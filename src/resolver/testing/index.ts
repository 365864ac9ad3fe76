export * from './brute-force.js';
export * from './memory-provider.js';
export * from './random-universe.js';
export * from './exact-plan.js';

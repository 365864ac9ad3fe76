export {
  allAssignments,
  bruteForceBestPlan,
  bruteForceSatisfiable,
  isValidAssignment,
  planObjective,
} from './brute-force.js';
export type { Assignment, PlanObjective, RootRequirement } from './brute-force.js';
export { compareVersions, constraintAllows, dependency, memoryProvider } from './memory-provider.js';
export type { MemoryProvider, MemoryUniverse } from './memory-provider.js';
export { CONSTRAINTS, pick, randomUniverse, seededRandom } from './random-universe.js';
export { exactBestPlan, exploreGraph } from './exact-plan.js';
export type { DependencyGraph, ExactPlan } from './exact-plan.js';

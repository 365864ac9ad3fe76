export type {
  AddedPackage,
  CandidateOrder,
  Consistency,
  DecisionOrder,
  Dependency,
  DependencyProvider,
  Explanation,
  ExplanationLine,
  MaybePromise,
  PinChange,
  Plan,
  PlanInput,
  RequirementOrigin,
  RootDependency,
  Solution,
  SolutionFailed,
  SolutionFound,
  SolveOptions,
  Violation,
} from './types.js';
export { solve } from './solve.js';
export { planChange } from './plan.js';
export { checkConsistency } from './consistency.js';
export { formatRequirement } from './explain.js';

export {
  applyInfrastructureChange,
  attemptInfrastructureUndo,
  getInfrastructureChange,
  listInfrastructureChanges,
  planInfrastructureChange,
  signoffInfrastructureChange,
} from './changes.js';
export {
  ApplyInfrastructureChangeInput,
  InfrastructureChangeRefInput,
  InfrastructureSignoffInput,
  ListInfrastructureChangesInput,
  PlanInfrastructureChangeInput,
} from './schema.js';
export type {
  InfrastructureChange,
  InfrastructureChangeState,
  InfrastructureRisk,
  InfrastructureSignoff,
  SignoffParty,
} from './types.js';

export {
  applyInfrastructureChange,
  attemptInfrastructureUndo,
  getInfrastructureChange,
  listInfrastructureChanges,
  planInfrastructureChange,
  signoffInfrastructureChange,
} from './changes.js';
export * from './schema.js';
export type * from './types.js';

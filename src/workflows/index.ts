/*
 * The foundation's use cases. Each is `(store, actor, input)`: it checks the role (NotAllowedError),
 * scopes to the tenant (NotFoundError), validates input (InputError), writes and audits in one
 * transaction, and returns plain objects. The API and CLI call these and nothing below them.
 */
export type * from './types.js';
export * from './schema.js';
export { auditedBy, listAudit, verifyAudit } from './audit.js';
export { createDemoClock, demoTimeline, seedDemo } from './demo.js';
export type { DemoClock, DemoTimeline } from './demo.js';
export { createInstance, getInstance, listInstances } from './instances.js';
export { resolveInstance, resolveTenant } from './references.js';
export {
  attemptRollback,
  getCurrentRevision,
  getRevision,
  listRevisions,
  type ListedRevision,
  markRevisionDeployed,
  markRevisionFailed,
  recordDirectRevision,
  recordRevision,
  recordRevisionInTransaction,
} from './revisions.js';
export { createTenant, getTenant, listTenants, updateTenant } from './tenants.js';
export {
  authenticateToken,
  bootstrapAdmin,
  issueToken,
  issueTokenInTransaction,
  revokeToken,
} from './tokens.js';
export { createUser, createUserInTransaction, listUsers } from './users.js';
export * from './image/index.js';
export * from './deployers/index.js';
export * from './platform/index.js';
export * from './defects/index.js';
export * from './infrastructure/index.js';
export * from './activity/index.js';
export * from './status/index.js';

export type {
  ApiTokenRecord,
  ApiTokenRepository,
  ApiTokensTable,
  AuditLogTable,
  AuditRepository,
  Database,
  Db,
  Engine,
  IdempotencyKeysTable,
  IdempotencyRecord,
  IdempotencyRepository,
  InstanceRepository,
  InstancesTable,
  NewApiToken,
  NewInstance,
  NewRevision,
  NewTenant,
  NewUser,
  OpenStoreOptions,
  Repositories,
  RevisionRepository,
  RevisionsTable,
  Store,
  TenantRepository,
  TenantsTable,
  UserRepository,
  UsersTable,
} from './types.js';
export { openStore } from './open.js';
export { verifyAuditChain } from './audit-chain.js';
export { isRetryableTransactionFailure, isUniqueViolation } from './driver-errors.js';
export { MIGRATIONS, migrateToLatest } from './migrations/index.js';
export type { RepositoryContext } from './repositories/index.js';
export { createRepositories, newId, staleRow } from './repositories/index.js';

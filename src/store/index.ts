/*
 * The store: Kysely over SQLite (embedded default) or PostgreSQL, one set of migrations for both.
 *
 * Adding a table:      write `migrations/NNNN-what.ts` (text/integer columns only), register it in
 *                      `MIGRATIONS` (migrations/index.ts), add its row interface to `Database` (types.ts).
 * Adding a repository: `repositories/what.ts` exporting `whatRepository(ctx: RepositoryContext)`, a field
 *                      on `Repositories` (types.ts) and one line in `createRepositories`. Use it as
 *                      `tx.what` inside `store.transaction`, and append the audit entry in the same tx.
 * Testing:             `describe.each(engines)` with `openTestStore` from test/support/engines.ts.
 */
export type {
  ApiTokenRecord,
  ApiTokenRepository,
  ApiTokensTable,
  AuditLogTable,
  AuditRepository,
  ClaimOptions,
  Database,
  DefectChanges,
  DefectRepository,
  DeployerRepository,
  Db,
  Engine,
  EnqueueResult,
  EvidenceRepository,
  HandOff,
  HandOffState,
  IdempotencyClaim,
  IdempotencyKeysTable,
  IdempotencyRecord,
  IdempotencyRepository,
  InfrastructureChangeRepository,
  ImageSourceRepository,
  ImageTrialRepository,
  InstanceRepository,
  InstancesTable,
  JobEvidenceRow,
  NewApiToken,
  NewInstance,
  NewRevision,
  NewTenant,
  NewUser,
  OpenStoreOptions,
  OutboxEntry,
  OutboxMessage,
  OutboxQueue,
  PlatformRelease,
  Receiver,
  PlatformRepository,
  Repositories,
  RevisionRepository,
  RevisionsTable,
  Store,
  StoredEvent,
  TenantRepository,
  TenantsTable,
  TrialProjectRepository,
  UserRepository,
  UsersTable,
} from './types.js';
export { IDEMPOTENCY_IN_PROGRESS } from './types.js';
export { openStore } from './open.js';
export { authFailureLog } from './auth-failures.js';
export type { AuthFailureLog } from './auth-failures.js';
export { createSecretBox, parseSecretKey } from './secret-box.js';
export type { SecretBox } from './secret-box.js';
export { verifyAuditChain } from './audit-chain.js';
export { isRetryableTransactionFailure, isUniqueViolation } from './driver-errors.js';
export { MIGRATIONS, migrateToLatest } from './migrations/index.js';
export type { RepositoryContext } from './repositories/index.js';
export {
  countRunEvents,
  createRepositories,
  idempotencyKeyOf,
  newId,
  outboxRepository,
  runEventRow,
  staleRow,
} from './repositories/index.js';
export type { OutboxStatus } from './tables/outbox.js';

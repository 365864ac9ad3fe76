export { createOutboxRepository, idempotencyKeyOf } from './repository.js';
export { outboxMigration } from './migration.js';
export type {
  ClaimOptions,
  EnqueueResult,
  KyselyHandle,
  OutboxEntry,
  OutboxMessage,
  OutboxRepository,
  OutboxRepositoryOptions,
  OutboxStatus,
  OutboxTable,
  OutboxTables,
  Receiver,
} from './types.js';

export { createOutboxRepository, idempotencyKeyOf } from './repository.js';
export { outboxMigration, outboxMigrations } from './migration.js';
export type {
  ClaimOptions,
  EnqueueResult,
  OutboxEntry,
  OutboxMessage,
  OutboxRepository,
  OutboxRepositoryOptions,
  OutboxStatus,
  OutboxTable,
  OutboxTables,
  Receiver,
} from './types.js';

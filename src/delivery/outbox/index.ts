export { createOutboxRepository } from './repository.js';
export type {
  ClaimOptions,
  EnqueueResult,
  OutboxEntry,
  OutboxMessage,
  OutboxRepository,
  OutboxRepositoryOptions,
  OutboxStatus,
  Receiver,
} from './types.js';

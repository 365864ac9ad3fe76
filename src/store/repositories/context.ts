import { randomUUID } from 'node:crypto';
import { ConflictError } from '../../domain/errors/index.js';
import type { Db, Engine } from '../types.js';

/** What every repository factory receives: a Kysely handle and its engine, the clock, and whether it is in a transaction. */
export interface RepositoryContext {
  db: Db;
  /** The engine behind `db`, for the few queries that differ (the outbox's `SKIP LOCKED`). */
  engine: Engine;
  /** Current time as an ISO string. */
  now(): string;
  inTransaction: boolean;
}

/** Prefixed ids (`ten_...`, `ins_...`) say what they name in logs and URLs. */
export function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replace(/-/g, '')}`;
}

/** The answer to a zero-row `where version = expected` update. */
export function staleRow(what: string, id: string, expectedVersion: number): ConflictError {
  return new ConflictError(
    `${what} ${id} was changed by someone else (or does not exist at version ${expectedVersion}); reload and retry.`,
    {
      remedy: 'Reload it to see the latest version, then retry your change.',
      extra: { id, expectedVersion },
    },
  );
}

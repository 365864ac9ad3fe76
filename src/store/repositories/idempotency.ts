import { ConflictError } from '../../domain/errors/index.js';
import { isUniqueViolation } from '../driver-errors.js';
import type { IdempotencyKeysTable, IdempotencyRecord, IdempotencyRepository } from '../types.js';
import type { RepositoryContext } from './context.js';

function toRecord(row: IdempotencyKeysTable): IdempotencyRecord {
  return {
    actorUserId: row.actor_user_id,
    route: row.route,
    key: row.key,
    requestHash: row.request_hash,
    status: row.status,
    body: JSON.parse(row.body) as unknown,
    createdAt: row.created_at,
  };
}

/**
 * Remembers the first answer to a POST carrying an `Idempotency-Key`, per actor and route, so a replay
 * returns it instead of writing twice. The API compares `requestHash` (sha256Hex(canonicalJson(body))):
 * the same key with a different body is a ConflictError there.
 */
export function idempotencyRepository({ db, now }: RepositoryContext): IdempotencyRepository {
  return {
    async find(actorUserId, route, key) {
      const row = await db
        .selectFrom('idempotency_keys')
        .selectAll()
        .where('actor_user_id', '=', actorUserId)
        .where('route', '=', route)
        .where('key', '=', key)
        .executeTakeFirst();
      return row === undefined ? null : toRecord(row);
    },
    async save(record) {
      const row: IdempotencyKeysTable = {
        actor_user_id: record.actorUserId,
        route: record.route,
        key: record.key,
        request_hash: record.requestHash,
        status: record.status,
        body: JSON.stringify(record.body ?? null),
        created_at: now(),
      };
      try {
        await db.insertInto('idempotency_keys').values(row).execute();
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new ConflictError(`Idempotency key "${record.key}" was already used for this route.`, {
          remedy: 'Replay the request to get the stored answer, or use a new key for a new request.',
        });
      }
      return toRecord(row);
    },
  };
}

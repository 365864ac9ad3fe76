import { ConflictError } from '../../domain/errors/index.js';
import { isUniqueViolation } from '../driver-errors.js';
import { IDEMPOTENCY_IN_PROGRESS } from '../types.js';
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
 * the same key with a different body is a ConflictError there. The key is reserved (an in-progress
 * row, status 0) before the request runs, so concurrent retries cannot both run it (issue 13).
 */
export function idempotencyRepository({ db, now }: RepositoryContext): IdempotencyRepository {
  async function find(actorUserId: string, route: string, key: string): Promise<IdempotencyRecord | null> {
    const row = await db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('actor_user_id', '=', actorUserId)
      .where('route', '=', route)
      .where('key', '=', key)
      .executeTakeFirst();
    return row === undefined ? null : toRecord(row);
  }

  return {
    find,
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
    async reserve(claim) {
      // Two rounds at most: a row seen as conflicting may be released before we read it.
      for (let attempt = 0; attempt < 3; attempt++) {
        const result = await db
          .insertInto('idempotency_keys')
          .values({
            actor_user_id: claim.actorUserId,
            route: claim.route,
            key: claim.key,
            request_hash: claim.requestHash,
            status: IDEMPOTENCY_IN_PROGRESS,
            body: 'null',
            created_at: now(),
          })
          // ON CONFLICT DO NOTHING (both engines): the loser learns it lost without an error, so
          // no PostgreSQL transaction is aborted and no driver error needs telling apart.
          .onConflict((oc) => oc.columns(['actor_user_id', 'route', 'key']).doNothing())
          .executeTakeFirst();
        if (Number(result.numInsertedOrUpdatedRows ?? 0n) === 1) return null;
        const existing = await find(claim.actorUserId, claim.route, claim.key);
        if (existing !== null) return existing;
      }
      throw new ConflictError(`Idempotency key "${claim.key}" is being reserved and released concurrently.`, {
        remedy: 'Retry the request in a moment.',
      });
    },
    async complete(claim, status, body) {
      await db
        .updateTable('idempotency_keys')
        .set({ status, body: JSON.stringify(body ?? null) })
        .where('actor_user_id', '=', claim.actorUserId)
        .where('route', '=', claim.route)
        .where('key', '=', claim.key)
        .where('status', '=', IDEMPOTENCY_IN_PROGRESS)
        .execute();
    },
    async release(claim) {
      await db
        .deleteFrom('idempotency_keys')
        .where('actor_user_id', '=', claim.actorUserId)
        .where('route', '=', claim.route)
        .where('key', '=', claim.key)
        .where('status', '=', IDEMPOTENCY_IN_PROGRESS)
        .execute();
    },
  };
}

import type { ApiTokenRecord, ApiTokenRepository, ApiTokensTable } from '../types.js';
import type { RepositoryContext } from './context.js';
import { staleRow } from './context.js';

function toToken(row: ApiTokensTable): ApiTokenRecord {
  return {
    id: row.id,
    userId: row.user_id,
    label: row.label,
    tokenHash: row.token_hash,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
    version: row.version,
  };
}

export function apiTokenRepository({ db, now }: RepositoryContext): ApiTokenRepository {
  async function get(id: string): Promise<ApiTokenRecord | null> {
    const row = await db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? null : toToken(row);
  }

  return {
    async insert(input) {
      const row: ApiTokensTable = {
        id: input.id,
        user_id: input.userId,
        label: input.label,
        token_hash: input.tokenHash,
        created_at: now(),
        expires_at: input.expiresAt,
        revoked_at: null,
        last_used_at: null,
        version: 1,
      };
      await db.insertInto('api_tokens').values(row).execute();
      return toToken(row);
    },
    get,
    async listForUser(userId) {
      const rows = await db
        .selectFrom('api_tokens')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at')
        .execute();
      return rows.map(toToken);
    },
    async revoke(id, expectedVersion) {
      const result = await db
        .updateTable('api_tokens')
        .set({ revoked_at: now(), version: expectedVersion + 1 })
        .where('id', '=', id)
        .where('version', '=', expectedVersion)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw staleRow('API token', id, expectedVersion);
      return (await get(id))!;
    },
    async touch(id, at) {
      await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
    },
  };
}

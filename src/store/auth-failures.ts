import type { Db } from './types.js';

/**
 * The fleet-wide record of failed authentications behind api/access.ts's limit: every server on
 * the database writes its failures here and reads the address's count back, so N servers do not
 * allow N times the limit.
 */
export interface AuthFailureLog {
  /**
   * Records one failure of `clientIp` at `now` and returns the times (ms, oldest first) of all its
   * failures within the last `windowMs`, from every server.
   */
  record(clientIp: string, now: number, windowMs: number): Promise<number[]>;
}

export function authFailureLog(db: Db): AuthFailureLog {
  return {
    async record(clientIp, now, windowMs) {
      const since = new Date(now - windowMs).toISOString();
      await db.deleteFrom('auth_failures').where('failed_at', '<=', since).execute();
      await db
        .insertInto('auth_failures')
        .values({ client_ip: clientIp, failed_at: new Date(now).toISOString() })
        .execute();
      const rows = await db
        .selectFrom('auth_failures')
        .select('failed_at')
        .where('client_ip', '=', clientIp)
        .where('failed_at', '>', since)
        .orderBy('failed_at')
        .execute();
      return rows.map((row) => Date.parse(row.failed_at));
    },
  };
}

/**
 * Failed authentications per client address, shared by every server on one database, so the
 * failed-authentication limit (api/access.ts) holds for the fleet and not per process.
 * Conventions as in store/types.ts: text and integer only, ISO timestamps.
 */
export interface AuthFailuresTable {
  client_ip: string;
  failed_at: string;
}

export interface AuthFailureTables {
  auth_failures: AuthFailuresTable;
}

import type { Role } from '../roles/types.js';

/** A person (or service account) who can act on Ratchet. */
export interface User {
  id: string;
  name: string;
  email: string | null;
  role: Role;
  /** null for provider roles; the tenant for customer roles. */
  tenantId: string | null;
  version: number;
  createdAt: string;
}

/** What may be shown about an API token: never the secret, never its hash. */
export interface ApiTokenInfo {
  id: string;
  userId: string;
  label: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** The answer to issuing a token: the plaintext appears here once and is never stored. */
export interface IssuedToken {
  token: string;
  info: ApiTokenInfo;
}

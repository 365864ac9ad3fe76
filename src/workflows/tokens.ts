import { randomBytes, timingSafeEqual } from 'node:crypto';
import { sha256Hex } from '../domain/audit/index.js';
import { NotFoundError, UnauthenticatedError } from '../domain/errors/index.js';
import { assertCan, canSeeTenant, isProviderRole } from '../domain/roles/index.js';
import type { Actor } from '../domain/roles/index.js';
import type { ApiTokenInfo, IssuedToken, User } from '../domain/users/index.js';
import type { ApiTokenRecord, Repositories, Store } from '../store/index.js';
import { auditedBy } from './audit.js';
import { BootstrapAdminInput, IssueTokenInput, parseInput, RevokeTokenInput } from './schema.js';
import type { BootstrapResult } from './types.js';
import { userSummary } from './users.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_EXPIRY_DAYS = 90;
// `last_used_at` is bookkeeping; refreshing it at most once a minute keeps reads from becoming writes.
const TOUCH_INTERVAL_MS = 60_000;
// rtk_<16 hex: token id>_<64 hex: 256-bit secret>. The id finds the row; the secret is only hashed.
const TOKEN_PATTERN = /^rtk_([0-9a-f]{16})_([0-9a-f]{64})$/;

function publicInfo(record: ApiTokenRecord): ApiTokenInfo {
  return {
    id: record.id,
    userId: record.userId,
    label: record.label,
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
    revokedAt: record.revokedAt,
    lastUsedAt: record.lastUsedAt,
  };
}

function actorOf(user: User): Actor {
  return { userId: user.id, name: user.name, role: user.role, tenantId: user.tenantId };
}

/** Mints a token for `user` inside a transaction; the plaintext leaves only in the return value. */
export async function issueTokenInTransaction(
  tx: Repositories,
  actor: Actor | null,
  user: User,
  options: { label?: string; expiresInDays?: number },
): Promise<IssuedToken> {
  const idHex = randomBytes(8).toString('hex');
  const token = `rtk_${idHex}_${randomBytes(32).toString('hex')}`;
  const expiresAt = new Date(
    Date.parse(tx.now()) + (options.expiresInDays ?? DEFAULT_EXPIRY_DAYS) * DAY_MS,
  ).toISOString();
  const record = await tx.tokens.insert({
    id: `tok_${idHex}`,
    userId: user.id,
    label: options.label ?? 'api',
    tokenHash: sha256Hex(token),
    expiresAt,
  });
  await tx.audit.append({
    actorUserId: actor?.userId ?? null,
    actorRole: actor?.role ?? 'system',
    tenantId: user.tenantId,
    action: 'token.create',
    target: `token:${record.id}`,
    before: null,
    // Never the secret or its hash: the audit log is readable by support staff.
    after: { tokenId: record.id, userId: user.id, label: record.label, expiresAt },
  });
  return { token, info: publicInfo(record) };
}

// Customer admins act on their own tenant's users only; others are "not found" (no existence leak).
function isVisibleUser(actor: Actor, user: User | null): user is User {
  return (
    user !== null &&
    (user.tenantId === null ? isProviderRole(actor.role) : canSeeTenant(actor, user.tenantId))
  );
}

async function visibleUser(tx: Repositories, actor: Actor, userId: string): Promise<User> {
  const user = await tx.users.get(userId);
  if (!isVisibleUser(actor, user)) throw new NotFoundError(`User ${userId} was not found.`);
  return user;
}

/** Issues a bearer token for a user; returns the plaintext ONCE (only its SHA-256 is stored). */
export async function issueToken(store: Store, actor: Actor, input: IssueTokenInput): Promise<IssuedToken> {
  assertCan(actor, 'token.create');
  const parsed = parseInput(IssueTokenInput, input, 'token request');
  return store.transaction(async (tx) => {
    const user = await visibleUser(tx, actor, parsed.userId);
    return issueTokenInTransaction(tx, actor, user, parsed);
  });
}

/** Revokes a token; revoking an already revoked token changes nothing and returns it as it is. */
export async function revokeToken(
  store: Store,
  actor: Actor,
  input: RevokeTokenInput,
): Promise<ApiTokenInfo> {
  assertCan(actor, 'token.revoke');
  const { tokenId } = parseInput(RevokeTokenInput, input, 'token reference');
  return store.transaction(async (tx) => {
    const record = await tx.tokens.get(tokenId);
    // Another tenant's token answers exactly as an unknown one: same status, same sentence, naming
    // only the id the caller sent (issue 13; naming its user id told a stranger who owned it).
    const owner = record === null ? null : await tx.users.get(record.userId);
    if (record === null || !isVisibleUser(actor, owner)) {
      throw new NotFoundError(`Token ${tokenId} was not found.`);
    }
    if (record.revokedAt !== null) return publicInfo(record);
    const revoked = await tx.tokens.revoke(record.id, record.version);
    await tx.audit.append(
      auditedBy(actor, {
        tenantId: owner.tenantId,
        action: 'token.revoke',
        target: `token:${record.id}`,
        before: { revokedAt: null },
        after: { revokedAt: revoked.revokedAt },
      }),
    );
    return publicInfo(revoked);
  });
}

function unauthenticated(message: string): UnauthenticatedError {
  return new UnauthenticatedError(message, { remedy: 'Send a valid token: Authorization: Bearer rtk_...' });
}

/**
 * Turns a bearer token into the Actor it belongs to. Unknown, malformed, revoked and expired tokens
 * are UnauthenticatedError. The secret's hash is compared in constant time (crypto.timingSafeEqual).
 */
export async function authenticateToken(store: Store, plaintext: string): Promise<Actor> {
  const match = TOKEN_PATTERN.exec(plaintext.trim());
  if (match === null) throw unauthenticated('The token is not a Ratchet API token.');
  const record = await store.repos.tokens.get(`tok_${match[1]!}`);
  const presented = Buffer.from(sha256Hex(plaintext.trim()), 'hex');
  // Compare even when the row is missing, so timing does not tell unknown ids from wrong secrets.
  const stored = Buffer.from(record?.tokenHash ?? '0'.repeat(64), 'hex');
  if (!timingSafeEqual(presented, stored) || record === null)
    throw unauthenticated('The token is not valid.');
  if (record.revokedAt !== null) throw unauthenticated('The token was revoked.');
  const now = store.now();
  if (Date.parse(record.expiresAt) <= now.getTime()) throw unauthenticated('The token has expired.');
  const user = await store.repos.users.get(record.userId);
  if (user === null) throw unauthenticated('The token is not valid.');
  if (record.lastUsedAt === null || now.getTime() - Date.parse(record.lastUsedAt) >= TOUCH_INTERVAL_MS) {
    await store.repos.tokens.touch(record.id, now.toISOString());
  }
  return actorOf(user);
}

/**
 * On first start (no users at all) creates a provider-admin and returns its token once; otherwise
 * does nothing. Safe when several processes start together: the check runs under the writer lock.
 */
export async function bootstrapAdmin(
  store: Store,
  input: BootstrapAdminInput = {},
): Promise<BootstrapResult> {
  const parsed = parseInput(BootstrapAdminInput, input, 'bootstrap');
  return store.transaction(async (tx) => {
    if ((await tx.users.count()) > 0) return { created: false };
    const user = await tx.users.insert({
      name: parsed.name ?? 'Administrator',
      email: parsed.email ?? null,
      role: 'provider-admin',
      tenantId: null,
    });
    await tx.audit.append({
      actorUserId: null,
      actorRole: 'system',
      tenantId: null,
      action: 'user.bootstrap',
      target: `user:${user.id}`,
      before: null,
      after: userSummary(user),
    });
    const token = await issueTokenInTransaction(tx, null, user, { label: 'bootstrap' });
    return { created: true, user, token };
  });
}

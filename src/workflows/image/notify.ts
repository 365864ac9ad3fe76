import { createOutboxRepository } from '../../delivery/outbox/index.js';
import type { Receiver } from '../../delivery/outbox/index.js';
import { isProviderRole } from '../../domain/roles/index.js';
import type { Role } from '../../domain/roles/index.js';
import type { User } from '../../domain/users/index.js';
import type { Repositories, Store } from '../../store/index.js';
import type { ImageChangeRecord } from './types.js';

/** Which configured delivery channels image-change notifications use. */
export interface ImageNotificationConfig {
  /** The SMTP channel people are mailed through. */
  emailChannel: string;
  /** The provider's on-call group (a Slack-compatible or generic webhook channel). */
  onCallChannel: string;
}

export const DEFAULT_IMAGE_NOTIFICATIONS: ImageNotificationConfig = {
  emailChannel: 'email',
  onCallChannel: 'provider-on-call',
};

function mail(user: User, config: ImageNotificationConfig): Receiver | null {
  if (user.email === null) return null;
  return { id: `user:${user.id}`, channel: config.emailChannel, address: user.email };
}

function folded(text: string): string {
  return text.trim().toLowerCase();
}

function localPart(email: string): string {
  const at = email.lastIndexOf('@');
  return at < 0 ? email : email.slice(0, at);
}

// Most specific first: an address names one mailbox, a local part or a name may be shared.
const OWNER_RULES: readonly ((user: User, owner: string) => boolean)[] = [
  (user, owner) => user.email !== null && folded(user.email) === owner,
  (user, owner) => user.email !== null && folded(localPart(user.email)) === owner,
  (user, owner) => folded(user.name) === owner,
];

/**
 * The users of one tenant that an impact owner names. Owners come from the Airflow DAG owner or a
 * tenant's ownership rules (`ana`, `ana@acme.example`), users are `Ana (User A)` with
 * `ana@acme.example`, so the owner is compared, trimmed and case-insensitively, with the full
 * email, then the email's local part, then the full name; the first rule with a match wins. All
 * users that match that rule are named (a missed warning costs more than one extra mail).
 * Only `tenantUsers` are candidates: pass the change's tenant only, so an owner never reaches
 * another tenant's user, even one with the same local part.
 *
 * @example
 * usersNamedByOwner('ana', await tx.users.list(change.tenantId)); // [Ana (User A)]
 */
export function usersNamedByOwner(owner: string, tenantUsers: readonly User[]): User[] {
  const wanted = folded(owner);
  if (wanted === '') return [];
  for (const rule of OWNER_RULES) {
    const named = tenantUsers.filter((user) => rule(user, wanted));
    if (named.length > 0) return named;
  }
  return [];
}

/**
 * Enqueues one message, in the caller's transaction, to the people who own the next step, the
 * requester, the provider on-call group and the users the impact report names (issue 4,
 * "Notifications"). The outbox row commits or rolls back with the step.
 *
 * An impact owner reaches the users of the change's tenant it names (`usersNamedByOwner`). An owner
 * that names none of them but is an email address is mailed as given (a pipeline owner without a
 * Ratchet account), unless the address belongs to a user outside the tenant. Each person gets one
 * copy: receivers are deduplicated by user and by email address.
 */
export async function notifyStep(
  store: Store,
  tx: Repositories,
  change: ImageChangeRecord,
  input: { step: string; nextOwners: readonly Role[]; subject: string; text: string },
  config: ImageNotificationConfig = DEFAULT_IMAGE_NOTIFICATIONS,
): Promise<number> {
  const receivers = new Map<string, Receiver>();
  const addresses = new Set<string>();
  const add = (receiver: Receiver | null): void => {
    if (receiver === null || receivers.has(receiver.id)) return;
    const address = receiver.address === undefined ? null : `${receiver.channel}:${folded(receiver.address)}`;
    if (address !== null && addresses.has(address)) return;
    receivers.set(receiver.id, receiver);
    if (address !== null) addresses.add(address);
  };
  const tenantUsers = await tx.users.list(change.tenantId);
  const allUsers = await tx.users.list();
  const providers = allUsers.filter((u) => isProviderRole(u.role));
  // Addresses of everyone outside the tenant: a raw owner address must not reach them either.
  const outsideTenant = new Set(
    allUsers.flatMap((u) => (u.tenantId !== change.tenantId && u.email !== null ? [folded(u.email)] : [])),
  );
  const requester = await tx.users.get(change.requestedBy);
  if (requester !== null) add(mail(requester, config));
  for (const user of [...tenantUsers, ...providers]) {
    if (input.nextOwners.includes(user.role)) add(mail(user, config));
  }
  add({ id: 'group:provider-on-call', channel: config.onCallChannel });
  const affected = change.report.impact?.affectedUsers ?? [];
  for (const entry of affected) {
    const named = usersNamedByOwner(entry.user, tenantUsers);
    for (const user of named) add(mail(user, config));
    const address = entry.user.trim();
    if (named.length === 0 && address.includes('@') && !outsideTenant.has(folded(address))) {
      add({ id: `affected:${address}`, channel: config.emailChannel, address });
    }
  }
  const outbox = createOutboxRepository({ db: store.db, engine: store.engine, now: () => store.now() });
  const result = await outbox.enqueue(tx.db, {
    topic: `image.${change.kind}.${input.step}`,
    eventId: `${change.id}:${input.step}:${String(change.version)}`,
    receivers: [...receivers.values()],
    subject: input.subject,
    text: input.text,
    data: {
      changeId: change.id,
      kind: change.kind,
      state: change.state,
      instanceId: change.instanceId,
      reportHash: change.reportHash,
      nextOwners: [...input.nextOwners],
      affectedUsers: affected.map((a) => a.user),
    },
  });
  return result.enqueued;
}

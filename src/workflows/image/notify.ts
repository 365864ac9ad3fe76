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

/**
 * Enqueues one message, in the caller's transaction, to the people who own the next step, the
 * requester, the provider on-call group and the users the impact report names (issue 4,
 * "Notifications"). The outbox row commits or rolls back with the step.
 */
export async function notifyStep(
  store: Store,
  tx: Repositories,
  change: ImageChangeRecord,
  input: { step: string; nextOwners: readonly Role[]; subject: string; text: string },
  config: ImageNotificationConfig = DEFAULT_IMAGE_NOTIFICATIONS,
): Promise<number> {
  const receivers = new Map<string, Receiver>();
  const add = (receiver: Receiver | null): void => {
    if (receiver !== null && !receivers.has(receiver.id)) receivers.set(receiver.id, receiver);
  };
  const tenantUsers = await tx.users.list(change.tenantId);
  const providers = (await tx.users.list()).filter((u) => isProviderRole(u.role));
  const requester = await tx.users.get(change.requestedBy);
  if (requester !== null) add(mail(requester, config));
  for (const user of [...tenantUsers, ...providers]) {
    if (input.nextOwners.includes(user.role)) add(mail(user, config));
  }
  add({ id: 'group:provider-on-call', channel: config.onCallChannel });
  const affected = change.report.impact?.affectedUsers ?? [];
  for (const entry of affected) {
    const known = tenantUsers.find((u) => u.email === entry.user || u.name === entry.user);
    if (known !== undefined) add(mail(known, config));
    else if (entry.user.includes('@'))
      add({ id: `affected:${entry.user}`, channel: config.emailChannel, address: entry.user });
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

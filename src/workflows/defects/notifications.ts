import type { Defect } from '../../domain/defects/index.js';
import type { OutboxMessage, Receiver } from '../../delivery/outbox/index.js';
import type { User } from '../../domain/users/index.js';

/**
 * Channel names the delivery worker must be configured with (docs/delivery.md): customers hear by
 * email when they have an address, else through their tenant's `customer-notifications` channel; the
 * provider's on-call group has one channel of its own.
 */
export const CUSTOMER_EMAIL_CHANNEL = 'email';
export const CUSTOMER_FALLBACK_CHANNEL = 'customer-notifications';
export const PROVIDER_ON_CALL: Receiver = { id: 'provider:on-call', channel: 'provider-on-call' };

export function customerReceiver(user: User): Receiver {
  return user.email === null
    ? { id: `user:${user.id}`, channel: CUSTOMER_FALLBACK_CHANNEL }
    : { id: `user:${user.id}`, channel: CUSTOMER_EMAIL_CHANNEL, address: user.email };
}

/**
 * "The customer is notified upon successful deployment and resolution" (Defect Resolution Process).
 * The event id includes the reopen count: a defect fixed again after a reopen is announced again.
 */
export function hotfixDeployedMessage(
  defect: Defect,
  reporter: User,
  release: string,
  instanceName: string,
): OutboxMessage {
  return {
    topic: 'hotfix.deployed',
    eventId: `defect:${defect.id}:deployed:${defect.reopenCount}`,
    receivers: [customerReceiver(reporter)],
    subject: `Fix deployed: ${defect.title}`,
    text:
      `The hotfix for your defect "${defect.title}" (${defect.id}) shipped in platform release ${release} ` +
      `and is now deployed on ${instanceName}. Please check that the problem is gone, then confirm ` +
      `(ratchet defect resolve ${defect.id}) or reopen it (ratchet defect reopen ${defect.id}).`,
    data: { defectId: defect.id, release, instanceId: defect.instanceId, state: 'deployed' },
  };
}

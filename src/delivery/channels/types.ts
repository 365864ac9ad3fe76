/** One attempt to hand one outbox entry to its receiver. */
export interface Delivery {
  /** `${eventId}:${receiverId}`: the same on every attempt, so the receiver can drop duplicates. */
  idempotencyKey: string;
  eventId: string;
  topic: string;
  receiverId: string;
  /** The receiver's address (email `To`), when its channel needs one. */
  address: string | null;
  subject: string;
  text: string;
  data: Record<string, unknown>;
  /** 1 for the first attempt. */
  attempt: number;
}

export type ChannelKind = 'webhook' | 'slack' | 'email';

/**
 * A way out of Ratchet. `deliver` resolves once the receiver accepted the message and throws
 * otherwise: a `DeliveryError` says whether trying again can help; any other error is retried.
 */
export interface Channel {
  readonly kind: ChannelKind;
  deliver(delivery: Delivery): Promise<void>;
}

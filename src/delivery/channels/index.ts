export { createEmailChannel, EMAIL_IDEMPOTENCY_HEADER, messageIdFor } from './email.js';
export { DeliveryError, isRetryableHttpStatus } from './errors.js';
export { createSlackChannel } from './slack.js';
export { createWebhookChannel } from './webhook.js';
export type { WebhookPayload } from './webhook.js';
export { EmailChannelOptions, SlackChannelOptions, WebhookChannelOptions } from './schema.js';
export type { Channel, ChannelKind, Delivery } from './types.js';

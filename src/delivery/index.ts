export {
  createEmailChannel,
  createSlackChannel,
  createWebhookChannel,
  DeliveryError,
  EMAIL_IDEMPOTENCY_HEADER,
  EmailChannelOptions,
  isRetryableHttpStatus,
  messageIdFor,
  SlackChannelOptions,
  WebhookChannelOptions,
} from './channels/index.js';
export type { Channel, ChannelKind, Delivery, WebhookPayload } from './channels/index.js';
export { channelsFromEnvironment } from './config/index.js';
export type { ConfiguredChannels } from './config/index.js';
export {
  createCommandDeployer,
  createDeployer,
  createRecordDeployer,
  createWebhookDeployer,
  DeployCallback,
  DeployerConfig,
  verifyDeployCallback,
  WEBHOOK_DEPLOY_RETRIES,
  webhookDeployMaxMs,
} from './deployers/index.js';
export type {
  CommandDeployerOptions,
  Deployer,
  DeployerKind,
  DeployFiles,
  DeployRequest,
  DeployResult,
  WebhookDeployerOptions,
} from './deployers/index.js';
export { createOutboxRepository } from './outbox/index.js';
export type {
  ClaimOptions,
  EnqueueResult,
  OutboxEntry,
  OutboxMessage,
  OutboxRepository,
  OutboxRepositoryOptions,
  OutboxStatus,
  Receiver,
} from './outbox/index.js';
export { SIGNATURE_HEADER, signWebhookBody, verifyWebhookSignature } from './signing/index.js';
export type { VerifyOptions } from './signing/index.js';
export { backoffDelay, DEFAULT_BACKOFF, startDeliveryWorker } from './worker/index.js';
export type {
  BackoffOptions,
  DeliveryEvent,
  DeliveryWorker,
  DeliveryWorkerOptions,
  DrainSummary,
} from './worker/index.js';

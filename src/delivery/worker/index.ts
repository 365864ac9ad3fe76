export { backoffDelay, DEFAULT_BACKOFF } from './backoff.js';
export { startDeliveryWorker } from './worker.js';
export type {
  BackoffOptions,
  DeliveryEvent,
  DeliveryWorker,
  DeliveryWorkerOptions,
  DrainSummary,
} from './types.js';

export { createCommandDeployer } from './command.js';
export type { CommandDeployerOptions } from './command.js';
export { createDeployer } from './create.js';
export { createRecordDeployer } from './record.js';
export { DeployCallback, DeployerConfig } from './schema.js';
export type { Deployer, DeployerKind, DeployFiles, DeployRequest, DeployResult } from './types.js';
export {
  createWebhookDeployer,
  verifyDeployCallback,
  WEBHOOK_DEPLOY_RETRIES,
  webhookDeployMaxMs,
} from './webhook.js';
export type { WebhookDeployerOptions } from './webhook.js';

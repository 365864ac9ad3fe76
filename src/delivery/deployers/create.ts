import { InputError } from '../../domain/errors/index.js';
import { createCommandDeployer } from './command.js';
import { createRecordDeployer } from './record.js';
import { DeployerConfig } from './schema.js';
import type { Deployer } from './types.js';
import { createWebhookDeployer } from './webhook.js';

const EXPECTED =
  "{ kind: 'record' } | { kind: 'webhook', url, secret (16+ characters), timeoutMs? } | { kind: 'command', command: ['program', ...args], timeoutMs? }";

/**
 * The deployer an instance's config names, validated up front so a typo fails at startup, not in
 * the middle of a rollback.
 *
 * @example
 * const deployer = createDeployer({ kind: 'command', command: ['/opt/deploy/push-image'], timeoutMs: 600_000 });
 */
export function createDeployer(config: unknown): Deployer {
  const parsed = DeployerConfig.safeParse(config);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || 'config'} ${issue.message}`,
    );
    throw new InputError(`The deployer config is invalid (${problems.join('; ')}). Pass ${EXPECTED}.`, {
      extra: { issues: parsed.error.issues },
    });
  }
  const valid = parsed.data;
  switch (valid.kind) {
    case 'record':
      return createRecordDeployer();
    case 'webhook':
      return createWebhookDeployer(valid);
    case 'command':
      return createCommandDeployer(valid);
  }
}

import { PolicyError } from '../../domain/errors/index.js';

/**
 * A command deployer runs a program on the Ratchet server, so which programs may run is the
 * operator's decision, not an API caller's: `RATCHET_DEPLOY_COMMANDS` lists them (comma-separated,
 * e.g. `/opt/deploy/push-image,/usr/local/bin/helm`). Unset, no command deployer is allowed.
 * Checked when the deployer is configured and again right before it runs, so removing a program
 * from the list takes effect without touching stored configs.
 */
export function assertDeployCommandAllowed(
  command: readonly string[],
  allowList: string | undefined = process.env['RATCHET_DEPLOY_COMMANDS'],
): void {
  const program = command[0] ?? '';
  const allowed = (allowList ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (allowed.includes(program)) return;
  throw new PolicyError(
    allowed.length === 0
      ? 'This server allows no command deployers: running programs on the Ratchet server is off by default.'
      : `'${program}' is not among the programs this server may run as a deployer (${allowed.join(', ')}).`,
    {
      policy: 'deploy-command-allow-list',
      remedy:
        'Ask the operator to add the program to RATCHET_DEPLOY_COMMANDS on the server, or use a webhook deployer.',
      extra: { program },
    },
  );
}

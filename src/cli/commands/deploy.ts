import type { Command } from 'commander';
import type { ImageChangeRecord } from '../../workflows/index.js';
import { clientFor, withServerOptions } from '../client.js';
import { action, isJson, printResult } from '../output.js';

function deployText(change: ImageChangeRecord): string {
  return [
    `${change.kind} request ${change.id}: ${change.state}`,
    ...change.stages.map(
      (s) => `deploy ${s.instanceName}: revision ${String(s.revision ?? '-')} ${s.status}`,
    ),
  ].join('\n');
}

export function register(program: Command): void {
  const deploy = program
    .command('deploy')
    .description('the record deployer: report an image deployment (provider)');
  for (const [name, description] of [
    ['confirm', 'the pending image revision is live'],
    ['fail', 'the deployment failed; the instance stays on its previous revision'],
    ['retry', 'retry a failed deployment with a new revision'],
  ] as const) {
    withServerOptions(
      deploy
        .command(name)
        .description(description)
        .argument('<instance>', 'instance id, name or tenant/name')
        .option('--error <text>', 'what failed (fail only)'),
    ).action(
      action(async (command, instance: string) => {
        const { error } = command.opts<{ error?: string }>();
        const change = await clientFor(command).post<ImageChangeRecord>(
          `/api/v1/instances/${encodeURIComponent(instance)}/image/deployment/${name}`,
          error ? { error } : {},
        );
        printResult(change, { json: isJson(command), human: deployText });
      }),
    );
  }
}

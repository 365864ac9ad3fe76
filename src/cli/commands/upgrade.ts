import type { Command } from 'commander';
import type { ImageChangeRecord } from '../../workflows/index.js';
import { registerChangeList } from '../change-list.js';
import { clientFor, withServerOptions } from '../client.js';
import { action, isJson, printResult, renderTable } from '../output.js';

function upgradeText(change: ImageChangeRecord): string {
  return [
    `upgrade request ${change.id}: ${change.state}`,
    change.report.recommendation,
    renderTable(change.report.review.changes, [
      { header: 'package', value: (c) => c.name },
      { header: 'from', value: (c) => c.from },
      { header: 'to', value: (c) => c.to },
    ]),
    ...change.report.blockers.map((b) => `blocker: ${b}`),
    ...change.stages.map(
      (s) => `deploy ${s.instanceName}: revision ${String(s.revision ?? '-')} ${s.status}`,
    ),
  ].join('\n');
}

export function register(program: Command): void {
  const upgrade = program.command('upgrade').description('image upgrades: test first, then production');

  registerChangeList(upgrade, 'upgrade');

  withServerOptions(
    upgrade
      .command('request')
      .description('request an upgrade (customer-admin, provider-engineer)')
      .argument('<instance>', 'instance id, name or tenant/name')
      .argument('<requirements...>', 'PEP 508 requirements, e.g. dbt-core>=1.11')
      .requiredOption('--reason <reason>', 'why'),
  ).action(
    action(async (command, instance: string, requirements: string[]) => {
      const { reason } = command.opts<{ reason: string }>();
      const change = await clientFor(command).post<ImageChangeRecord>(
        `/api/v1/instances/${encodeURIComponent(instance)}/image/upgrade-requests`,
        { requirements, reason },
      );
      printResult(change, { json: isJson(command), human: upgradeText });
    }),
  );
  withServerOptions(
    upgrade
      .command('approve')
      .description('approve (provider-engineer): deploys to the test instance first')
      .argument('<id>', 'upgrade request id')
      .requiredOption('--reason <reason>', 'why')
      .option('--acknowledge-breaks', 'approve although the trial predicts breaks (recorded in the history)'),
  ).action(
    action(async (command, id: string) => {
      const { reason, acknowledgeBreaks } = command.opts<{ reason: string; acknowledgeBreaks?: boolean }>();
      const change = await clientFor(command).post<ImageChangeRecord>(
        `/api/v1/upgrade-requests/${encodeURIComponent(id)}/approve`,
        { reason, ...(acknowledgeBreaks === true ? { acknowledgeBreaks: true } : {}) },
      );
      printResult(change, { json: isJson(command), human: upgradeText });
    }),
  );
  withServerOptions(
    upgrade
      .command('signoff')
      .description('sign off on the test instance (customer-admin)')
      .argument('<id>', 'upgrade request id')
      .option('--acknowledge <pipeline...>', 'pipelines that fail on test, acknowledged'),
  ).action(
    action(async (command, id: string) => {
      const { acknowledge } = command.opts<{ acknowledge?: string[] }>();
      const change = await clientFor(command).post<ImageChangeRecord>(
        `/api/v1/upgrade-requests/${encodeURIComponent(id)}/signoff`,
        acknowledge ? { acknowledge } : {},
      );
      printResult(change, { json: isJson(command), human: upgradeText });
    }),
  );
  withServerOptions(
    upgrade
      .command('promote')
      .description('promote to production after the test sign-off')
      .argument('<id>', 'upgrade request id')
      .option(
        '--override-no-test-instance',
        'provider-admin only: production without a test instance (audited)',
      )
      .option('--reason <reason>', 'why (recorded with the override)'),
  ).action(
    action(async (command, id: string) => {
      const options = command.opts<{ overrideNoTestInstance?: boolean; reason?: string }>();
      const change = await clientFor(command).post<ImageChangeRecord>(
        `/api/v1/upgrade-requests/${encodeURIComponent(id)}/promote`,
        {
          ...(options.overrideNoTestInstance ? { overrideNoTestInstance: true } : {}),
          ...(options.reason ? { reason: options.reason } : {}),
        },
      );
      printResult(change, { json: isJson(command), human: upgradeText });
    }),
  );
}

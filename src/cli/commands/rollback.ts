import type { Command } from 'commander';
import type { ImageChangeRecord, ImageChangeView } from '../../workflows/index.js';
import { registerChangeList } from '../change-list.js';
import { clientFor, withServerOptions } from '../client.js';
import { action, isJson, printResult, renderTable } from '../output.js';

function changeText(change: ImageChangeRecord): string {
  const lines = [
    `${change.kind} request ${change.id}: ${change.state}`,
    `report hash: ${change.reportHash}`,
    '',
    change.report.recommendation,
    '',
    change.report.review.changes.length > 0
      ? renderTable(change.report.review.changes, [
          { header: 'package', value: (c) => c.name },
          { header: 'from', value: (c) => c.from },
          { header: 'to', value: (c) => c.to },
          { header: 'why', value: (c) => (c.requested ? 'requested' : 'co-change (dependency review)') },
        ])
      : '(no package moves)',
  ];
  for (const violation of change.report.review.conflictsIfAlone) {
    lines.push(
      `conflict if moved alone: ${violation.package} ${violation.version} requires ${violation.requires} (would find ${violation.found ?? 'nothing'})`,
    );
  }
  for (const blocker of change.report.blockers) lines.push(`blocker: ${blocker}`);
  lines.push(`impact: ${change.report.impactSummary}`);
  lines.push(...trialLines(change));
  for (const stage of change.stages) {
    lines.push(`deploy ${stage.instanceName}: revision ${String(stage.revision ?? '-')} ${stage.status}`);
  }
  return lines.join('\n');
}

/** The review's trial step (issue 16): why it did not run, its progress, or each project's verdict. */
function trialLines(change: ImageChangeRecord | ImageChangeView): string[] {
  const step = change.report.trial;
  if (step === undefined) return [];
  if (step.id === null) return [`trial: not tried: ${step.skipped ?? ''}`];
  const trial = 'trial' in change ? change.trial : null;
  if (trial === null) return [`trial: ${step.id}`];
  const lines = [`trial: ${trial.id} ${trial.state}${trial.error === null ? '' : `: ${trial.error}`}`];
  for (const project of trial.result?.projects ?? []) {
    const error = project.candidate.error ?? project.current.error;
    lines.push(
      `  ${project.name}: ${project.verdict}${error === null ? '' : ` (${error.split('\n')[0] ?? ''})`}`,
    );
  }
  return lines;
}

function step(
  parent: Command,
  name: string,
  description: string,
  configure: (c: Command) => Command,
  body: (options: Record<string, unknown>) => Record<string, unknown>,
): void {
  withServerOptions(
    configure(parent.command(name).description(description).argument('<id>', 'rollback request id')),
  ).action(
    action(async (command, id: string) => {
      const change = await clientFor(command).post<ImageChangeRecord>(
        `/api/v1/rollback-requests/${encodeURIComponent(id)}/${name}`,
        body(command.opts()),
      );
      printResult(change, { json: isJson(command), human: changeText });
    }),
  );
}

export function register(program: Command): void {
  const rollback = program
    .command('rollback')
    .description('the last-resort image rollback request (rollback-strategy.txt, "Rollback Process")');

  registerChangeList(rollback, 'rollback');

  withServerOptions(
    rollback
      .command('request')
      .description('request a rollback (customer-admin): package, target (1.10.15 or ==1.10.*), reason')
      .argument('<instance>', 'instance id, name or tenant/name')
      .argument('<package>', 'the package to roll back')
      .argument('<target>', 'exact version or range, e.g. ==1.10.*')
      .requiredOption('--reason <reason>', 'why the rollback is needed'),
  ).action(
    action(async (command, instance: string, pkg: string, target: string) => {
      const { reason } = command.opts<{ reason: string }>();
      const change = await clientFor(command).post<ImageChangeRecord>(
        `/api/v1/instances/${encodeURIComponent(instance)}/image/rollback-requests`,
        { package: pkg, target, reason },
      );
      printResult(change, { json: isJson(command), human: changeText });
    }),
  );
  withServerOptions(
    rollback
      .command('show')
      .description('one rollback request with its report')
      .argument('<id>', 'rollback request id'),
  ).action(
    action(async (command, id: string) => {
      const change = await clientFor(command).get<ImageChangeRecord>(
        `/api/v1/rollback-requests/${encodeURIComponent(id)}`,
      );
      printResult(change, { json: isJson(command), human: changeText });
    }),
  );
  step(
    rollback,
    'approve',
    'approve after review (provider-engineer)',
    (c) =>
      c
        .requiredOption('--reason <reason>', 'why')
        .option('--urgent', 'skip the test instance (audited)')
        .option(
          '--acknowledge-breaks',
          'approve although the trial predicts breaks (recorded in the history)',
        ),
    (o) => ({
      reason: o.reason,
      ...(o.urgent ? { urgent: true } : {}),
      ...(o.acknowledgeBreaks ? { acknowledgeBreaks: true } : {}),
    }),
  );
  step(
    rollback,
    'reject',
    'reject with a reason (provider-engineer)',
    (c) => c.requiredOption('--reason <reason>', 'why'),
    (o) => ({ reason: o.reason }),
  );
  step(
    rollback,
    'accept',
    'accept responsibility for downstream effects, bound to the report hash (customer-admin)',
    (c) => c.requiredOption('--report-hash <hash>', 'the report hash you read'),
    (o) => ({ reportHash: o.reportHash }),
  );
  step(
    rollback,
    'refresh',
    'regenerate the report (new evidence, index change)',
    (c) => c,
    () => ({}),
  );
  step(
    rollback,
    'confirm',
    'confirm the rollback resolved the issue (customer-admin)',
    (c) => c.option('--note <note>', 'what you validated'),
    (o) => (o.note ? { note: o.note } : {}),
  );
  step(
    rollback,
    'reopen',
    'report that it is not resolved, with new information (customer-admin)',
    (c) => c.requiredOption('--information <text>', 'what is still wrong'),
    (o) => ({ information: o.information }),
  );
}

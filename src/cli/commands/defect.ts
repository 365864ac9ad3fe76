import type { Command } from 'commander';
import { InputError } from '../../domain/errors/index.js';
import type { DefectView } from '../../workflows/index.js';
import { clientFor, withServerOptions } from '../client.js';
import { fleetNames } from '../fleet-names.js';
import { action, isJson, printResult, renderTable } from '../output.js';

function severityOf(text: string): number {
  const n = Number(text);
  if (Number.isInteger(n) && n >= 1 && n <= 4) return n;
  throw new InputError(`Severity "${text}" is not 1, 2, 3 or 4.`, {
    remedy: 'Pass --severity 1 (critical) to 4 (low); see GET /api/v1/defects/severities.',
  });
}

function summary(d: DefectView): string {
  const severity = d.severity === null ? 'untriaged' : `severity ${d.severity} (${d.severityName ?? ''})`;
  const closed = d.closeReason === null ? '' : `\nclosed as ${d.closeOutcome ?? ''}: ${d.closeReason}`;
  const breach = d.breached
    ? `\nSLA BREACHED: ${d.sla
        .filter((c) => c.breached)
        .map((c) => c.clock)
        .join(', ')}`
    : '';
  const where = d.instanceName ? ` on ${d.tenantSlug ?? ''}/${d.instanceName}` : '';
  const assignee = d.assigneeName ? `, assigned to ${d.assigneeName}` : '';
  return `defect ${d.id}: ${d.title}${where}\n${d.state}, ${severity}${assignee}${d.fixedByRelease ? `, fixed by ${d.fixedByRelease}` : ''}${closed}${breach}`;
}

export function register(program: Command): void {
  const defect = program.command('defect').description('platform defects: report, triage, hotfix, confirm');
  const post = (command: Command, path: string, body: unknown): Promise<DefectView> =>
    clientFor(command).post<DefectView>(path, body);
  const show = (command: Command, d: DefectView): void =>
    printResult(d, { json: isJson(command), human: summary });
  const at = (id: string, step: string): string => `/api/v1/defects/${encodeURIComponent(id)}/${step}`;

  withServerOptions(
    defect
      .command('report')
      .description('report a platform defect (customer-admin, customer-member)')
      .argument('<instance>', 'affected instance')
      .requiredOption('--title <text>', 'short summary')
      .requiredOption('--observed <text>', 'what you observed')
      .requiredOption('--since <date>', 'since when, e.g. 2025-06-01 or 2025-06-01T08:00:00Z')
      .option('--severity <n>', 'how bad it looks to you, 1-4 (default 3)'),
  ).action(
    action(async (command, instance: string) => {
      const o = command.opts<{ title: string; observed: string; since: string; severity?: string }>();
      const body = {
        instance,
        title: o.title,
        observed: o.observed,
        since: o.since,
        ...(o.severity !== undefined ? { suggestedSeverity: severityOf(o.severity) } : {}),
      };
      show(command, await post(command, '/api/v1/defects', body));
    }),
  );

  withServerOptions(
    defect
      .command('list')
      .description('defects you may see, with SLA breaches')
      .option('--tenant <tenant>', 'only this tenant')
      .option('--state <state>', 'only this state'),
  ).action(
    action(async (command) => {
      const { tenant, state } = command.opts<{ tenant?: string; state?: string }>();
      const client = clientFor(command);
      const { defects } = await client.get<{ defects: DefectView[] }>('/api/v1/defects', { tenant, state });
      const names = await fleetNames(client);
      printResult(defects, {
        json: isJson(command),
        human: (rows) =>
          renderTable(rows, [
            { header: 'id', value: (d) => d.id },
            { header: 'tenant', value: (d) => d.tenantSlug ?? names.tenant(d.tenantId) },
            { header: 'instance', value: (d) => d.instanceName ?? names.instance(d.instanceId) },
            { header: 'state', value: (d) => d.state },
            { header: 'sev', value: (d) => String(d.severity ?? '-') },
            { header: 'sla', value: (d) => (d.breached ? 'BREACHED' : 'ok') },
            {
              header: 'assignee',
              value: (d) => d.assigneeName ?? (d.assigneeUserId === null ? '-' : 'a deleted user'),
            },
            { header: 'title', value: (d) => d.title },
          ]),
      });
    }),
  );

  withServerOptions(
    defect
      .command('triage')
      .description('set severity, assignee and regressed-in release (provider roles)')
      .argument('<defect>', 'defect id')
      .requiredOption('--severity <n>', '1 (critical) to 4 (low)')
      .option('--assignee <userId>', 'provider user who owns the fix')
      .option('--regressed-in <version>', 'the release it regressed in'),
  ).action(
    action(async (command, id: string) => {
      const o = command.opts<{ severity: string; assignee?: string; regressedIn?: string }>();
      const body = {
        severity: severityOf(o.severity),
        ...(o.assignee ? { assignee: o.assignee } : {}),
        ...(o.regressedIn ? { regressedIn: o.regressedIn } : {}),
      };
      show(command, await post(command, at(id, 'triage'), body));
    }),
  );

  withServerOptions(
    defect
      .command('link')
      .description('link a defect to the hotfix release that fixes it (provider-admin, provider-engineer)')
      .argument('<defect>', 'defect id')
      .argument('<release>', 'hotfix version, e.g. 3.4.1'),
  ).action(
    action(async (command, id: string, release: string) => {
      show(command, await post(command, at(id, 'link'), { release }));
    }),
  );

  withServerOptions(
    defect
      .command('close')
      .description('close as not a defect or a duplicate, with a reason the customer sees (provider roles)')
      .argument('<defect>', 'defect id')
      .requiredOption('--as <outcome>', 'not-a-defect or duplicate')
      .requiredOption('--reason <text>', 'shown to the customer')
      .option('--duplicate-of <defect>', 'for duplicates: the original'),
  ).action(
    action(async (command, id: string) => {
      const o = command.opts<{ as: string; reason: string; duplicateOf?: string }>();
      show(
        command,
        await post(command, at(id, 'close'), {
          as: o.as,
          reason: o.reason,
          ...(o.duplicateOf ? { duplicateOf: o.duplicateOf } : {}),
        }),
      );
    }),
  );

  withServerOptions(
    defect
      .command('resolve')
      .description('confirm the deployed fix resolved it (the reporter or a customer-admin)')
      .argument('<defect>', 'defect id')
      .option('--note <text>', 'what you checked'),
  ).action(
    action(async (command, id: string) => {
      const { note } = command.opts<{ note?: string }>();
      show(command, await post(command, at(id, 'resolve'), note ? { note } : {}));
    }),
  );

  withServerOptions(
    defect
      .command('reopen')
      .description('reopen: the fix did not hold (the reporter or a customer-admin)')
      .argument('<defect>', 'defect id')
      .requiredOption('--reason <text>', 'what still happens'),
  ).action(
    action(async (command, id: string) => {
      const { reason } = command.opts<{ reason: string }>();
      show(command, await post(command, at(id, 'reopen'), { reason }));
    }),
  );
}

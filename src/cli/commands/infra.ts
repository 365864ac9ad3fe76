import type { Command } from 'commander';
import type { InfrastructureChange } from '../../workflows/index.js';
import { readableTime } from '../../domain/time/index.js';
import { clientFor, withServerOptions } from '../client.js';
import { fleetNames } from '../fleet-names.js';
import { action, isJson, printResult, renderTable } from '../output.js';
import { parseComponents } from './platform.js';

function summary(c: InfrastructureChange): string {
  const tested = `provider ${c.testedBy.provider ? 'signed off' : 'pending'}, customer ${c.testedBy.customer ? 'signed off' : 'pending'}`;
  return `infrastructure change ${c.id}: ${c.title}\n${c.state}; window ${readableTime(c.windowStart)} – ${readableTime(c.windowEnd)}; risk ${c.risk}; ${tested}`;
}

export function register(program: Command): void {
  const infra = program
    .command('infra')
    .description('infrastructure changes: planned and tested by both parties, final once applied');
  const at = (id: string, step: string): string =>
    `/api/v1/infrastructure/changes/${encodeURIComponent(id)}/${step}`;

  withServerOptions(
    infra
      .command('plan')
      .description('plan a change and invite the customer to test it (provider-admin, provider-engineer)')
      .argument('<instance...>', 'affected instances (one tenant)')
      .requiredOption('--title <text>', 'what changes')
      .requiredOption('--why <text>', 'why it is needed')
      .requiredOption('--set <key=value...>', 'what the change sets, e.g. kubernetes=1.31')
      .requiredOption('--risk <risk>', 'low, medium or high')
      .requiredOption('--start <iso>', 'window start, e.g. 2026-03-01T06:00:00Z')
      .requiredOption('--end <iso>', 'window end'),
  ).action(
    action(async (command, instances: string[]) => {
      const o = command.opts<{
        title: string;
        why: string;
        set: string[];
        risk: string;
        start: string;
        end: string;
      }>();
      const change = await clientFor(command).post<InfrastructureChange>('/api/v1/infrastructure/changes', {
        instances,
        title: o.title,
        why: o.why,
        changes: parseComponents(o.set),
        risk: o.risk,
        windowStart: o.start,
        windowEnd: o.end,
      });
      printResult(change, { json: isJson(command), human: summary });
    }),
  );

  withServerOptions(
    infra
      .command('list')
      .description('infrastructure changes you may see')
      .option('--tenant <tenant>', 'only this tenant')
      .option('--state <state>', 'planned or applied'),
  ).action(
    action(async (command) => {
      const { tenant, state } = command.opts<{ tenant?: string; state?: string }>();
      const client = clientFor(command);
      const { changes } = await client.get<{ changes: InfrastructureChange[] }>(
        '/api/v1/infrastructure/changes',
        { tenant, state },
      );
      const names = await fleetNames(client);
      printResult(changes, {
        json: isJson(command),
        human: (rows) =>
          renderTable(rows, [
            { header: 'id', value: (c) => c.id },
            { header: 'tenant', value: (c) => names.tenant(c.tenantId) },
            { header: 'instances', value: (c) => c.instanceIds.map(names.instance).join(', ') },
            { header: 'state', value: (c) => c.state },
            {
              header: 'window',
              value: (c) => `${readableTime(c.windowStart)} – ${readableTime(c.windowEnd)}`,
            },
            { header: 'provider', value: (c) => (c.testedBy.provider ? 'signed' : '-') },
            { header: 'customer', value: (c) => (c.testedBy.customer ? 'signed' : '-') },
            { header: 'title', value: (c) => c.title },
          ]),
      });
    }),
  );

  withServerOptions(
    infra
      .command('signoff')
      .description("record your party's testing sign-off (not on your own change)")
      .argument('<change>', 'change id')
      .option('--note <text>', 'what you tested'),
  ).action(
    action(async (command, id: string) => {
      const { note } = command.opts<{ note?: string }>();
      const change = await clientFor(command).post<InfrastructureChange>(
        at(id, 'signoffs'),
        note ? { note } : {},
      );
      printResult(change, { json: isJson(command), human: summary });
    }),
  );

  withServerOptions(
    infra
      .command('apply')
      .description('apply a signed-off change; it cannot be undone (provider-admin, provider-engineer)')
      .argument('<change>', 'change id')
      .option('--acknowledge-irreversible', 'required: you accept that an applied change cannot be undone')
      .option('--override <reason>', 'apply outside the planned window (provider-admin, audited)'),
  ).action(
    action(async (command, id: string) => {
      const { acknowledgeIrreversible, override } = command.opts<{
        acknowledgeIrreversible?: boolean;
        override?: string;
      }>();
      const change = await clientFor(command).post<InfrastructureChange>(at(id, 'apply'), {
        acknowledgeIrreversible: acknowledgeIrreversible === true,
        ...(override !== undefined ? { override: { reason: override } } : {}),
      });
      printResult(change, { json: isJson(command), human: summary });
    }),
  );
}

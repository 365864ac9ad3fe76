import type { Command } from 'commander';
import { readableTime } from '../../domain/time/index.js';
// types.js, not index.js: the workflows' index loads zod, and every CLI start would pay for it.
import type { InstanceStrip } from '../../workflows/status/types.js';
import { clientFor, withServerOptions } from '../client.js';
import { action, isJson, printResult } from '../output.js';

function stripText(strip: InstanceStrip): string {
  const lines = [
    `${strip.instance.tenantSlug ?? strip.instance.tenantId}/${strip.instance.name} (${strip.instance.kind}): ${
      strip.inFlight === 0 ? 'nothing in flight' : `${String(strip.inFlight)} in flight`
    }`,
  ];
  for (const layer of strip.layers) {
    const current = layer.current
      ? `${layer.current.summary} (revision ${String(layer.current.revision)}, since ${readableTime(layer.current.since)})`
      : 'nothing deployed yet';
    lines.push(`  ${layer.layer}: ${current}`);
    for (const item of layer.inFlight) {
      const breached = item.breached ? ', SLA BREACHED' : '';
      lines.push(`    - ${item.title} [${item.state}${breached}]${item.detail ? `: ${item.detail}` : ''}`);
    }
  }
  return lines.join('\n');
}

export function register(program: Command): void {
  withServerOptions(
    program
      .command('status')
      .description(
        'what is in flight, per instance and layer: infrastructure changes, defects and their SLA clock, rollback pins, image changes, trials, deployments',
      )
      .argument('[instance]', 'one instance (id, name or tenant/name); default: every instance you may see')
      .option('--tenant <tenant>', 'only this tenant'),
  ).action(
    action(async (command, instance?: string) => {
      const { tenant } = command.opts<{ tenant?: string }>();
      const client = clientFor(command);
      const strips =
        instance === undefined
          ? (await client.get<{ instances: InstanceStrip[] }>('/api/v1/fleet/status', { tenant })).instances
          : [await client.get<InstanceStrip>(`/api/v1/instances/${encodeURIComponent(instance)}/status`)];
      printResult(instance === undefined ? strips : strips[0], {
        json: isJson(command),
        human: () => (strips.length === 0 ? '(no instances)' : strips.map(stripText).join('\n\n')),
      });
    }),
  );
}

import { Option } from 'commander';
import type { Command } from 'commander';
import { LAYERS } from '../../domain/layers/index.js';
import type { Layer } from '../../domain/layers/index.js';
import type { Revision } from '../../domain/revisions/index.js';
import { clientFor, withServerOptions } from '../client.js';
import { action, isJson, printResult, renderTable } from '../output.js';

/** One line that says what a revision holds, per layer (the content's own fields tell which). */
function summary(revision: Revision): string {
  const { content } = revision;
  if ('components' in content) return `platform ${content.version}`;
  if ('packages' in content) {
    const shown = content.packages.slice(0, 3).map((pin) => `${pin.name}==${pin.version}`);
    return [`python ${content.python}`, ...shown, ...(content.packages.length > 3 ? ['...'] : [])].join(', ');
  }
  return content.description;
}

function historyTable(revisions: readonly Revision[]): string {
  return renderTable(
    revisions,
    [
      { header: 'layer', value: (r) => r.layer },
      { header: '#', value: (r) => r.number },
      { header: 'status', value: (r) => r.status },
      { header: 'recorded', value: (r) => r.createdAt },
      { header: 'by', value: (r) => r.actorRole },
      { header: 'content', value: summary },
      { header: 'reason', value: (r) => r.reason },
    ],
    '(no revisions)',
  );
}

export function register(program: Command): void {
  withServerOptions(
    program
      .command('history')
      .description("an instance's revisions, per layer, oldest first")
      .argument('<instance>', 'instance id, name, or tenant-slug/name')
      .addOption(new Option('--layer <layer>', 'only this layer').choices(LAYERS)),
  ).action(
    action(async (command, instance: string) => {
      const { layer } = command.opts<{ layer?: Layer }>();
      const client = clientFor(command);
      const revisions: Revision[] = [];
      for (const each of layer ? [layer] : LAYERS) {
        const path = `/api/v1/instances/${encodeURIComponent(instance)}/layers/${each}/revisions`;
        revisions.push(...(await client.get<{ revisions: Revision[] }>(path)).revisions);
      }
      printResult(revisions, { json: isJson(command), human: historyTable });
    }),
  );
}

import type { Command } from 'commander';
import type { ImageChangeRecord } from '../workflows/index.js';
import { clientFor, withServerOptions } from './client.js';
import { action, isJson, printResult, renderTable } from './output.js';

/**
 * `ratchet rollback list <instance>` and `ratchet upgrade list <instance>`: an instance's image
 * change requests of one kind, oldest first, with what each asks for and where it stands.
 */
export function registerChangeList(parent: Command, kind: 'rollback' | 'upgrade'): void {
  withServerOptions(
    parent
      .command('list')
      .description(`the instance's ${kind} requests, oldest first`)
      .argument('<instance>', 'instance id, name or tenant/name'),
  ).action(
    action(async (command, instance: string) => {
      const { requests } = await clientFor(command).get<{ requests: ImageChangeRecord[] }>(
        `/api/v1/instances/${encodeURIComponent(instance)}/image/${kind}-requests`,
      );
      printResult(requests, {
        json: isJson(command),
        human: (rows) =>
          rows.length === 0
            ? `No ${kind} requests for ${instance}.`
            : renderTable(rows, [
                { header: 'id', value: (c) => c.id },
                { header: 'state', value: (c) => c.state },
                { header: 'asks for', value: (c) => c.requests.join(', ') },
                { header: 'requested', value: (c) => c.createdAt },
                { header: 'reason', value: (c) => c.reason },
              ]),
      });
    }),
  );
}

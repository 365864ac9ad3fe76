import { Option } from 'commander';
import type { Command } from 'commander';
import { InputError } from '../../domain/errors/index.js';
import { LAYERS } from '../../domain/layers/index.js';
import type { Layer } from '../../domain/layers/index.js';
import type { Revision } from '../../domain/revisions/index.js';
import { readableTime } from '../../domain/time/index.js';
// types.js, not index.js: the workflows' index loads zod, and every CLI start would pay for it.
import { CHANGE_KINDS } from '../../workflows/activity/types.js';
import type { ActivityEntry, ChangeActivity, ChangeKind } from '../../workflows/activity/types.js';
import { clientFor, withServerOptions } from '../client.js';
import { action, isJson, printResult, renderTable } from '../output.js';

/** A revision as the listing route answers it: with the recorder's name. */
type ListedRevision = Revision & { actorName?: string | null };

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

function historyTable(revisions: readonly ListedRevision[]): string {
  return renderTable(
    revisions,
    [
      { header: 'layer', value: (r) => r.layer },
      { header: '#', value: (r) => r.number },
      { header: 'status', value: (r) => r.status },
      { header: 'recorded', value: (r) => readableTime(r.createdAt) },
      { header: 'by', value: (r) => `${r.actorName ?? 'a deleted user'} (${r.actorRole})` },
      { header: 'content', value: summary },
      { header: 'reason', value: (r) => r.reason },
    ],
    '(no revisions)',
  );
}

/** A report hash is long; its first 12 characters name it well enough on a terminal. */
function shortHash(hash: string | null): string {
  if (hash === null) return '';
  const bare = hash.replace(/^sha256:/, '');
  return bare.length > 12 ? `${bare.slice(0, 12)}…` : bare;
}

function activityText(activity: ChangeActivity): string {
  const table = renderTable<ActivityEntry>(
    activity.entries,
    [
      { header: 'when', value: (e) => readableTime(e.at) },
      { header: 'who', value: (e) => `${e.actor.name} (${e.actor.role})` },
      { header: 'what', value: (e) => e.summary },
      { header: 'report', value: (e) => shortHash(e.reportHash) },
      { header: 'audit', value: (e) => `#${String(e.seq)}` },
      { header: 'note', value: (e) => e.note ?? '' },
    ],
    '(no activity recorded)',
  );
  return `${activity.title} (${activity.id})\n${table}`;
}

function isChangeKind(value: string): value is ChangeKind {
  return (CHANGE_KINDS as readonly string[]).includes(value);
}

export function register(program: Command): void {
  withServerOptions(
    program
      .command('history')
      .description(
        "an instance's revisions per layer (ratchet history <instance>), or a change's activity: who did what, when, with which note (ratchet history <kind> <id>)",
      )
      .argument(
        '<instance-or-kind>',
        `instance id, name or tenant/name; or a kind: ${CHANGE_KINDS.join(', ')}`,
      )
      .argument('[id]', 'the change id (rbr_..., upr_..., def_..., ifc_...) or a platform release version')
      .addOption(new Option('--layer <layer>', 'only this layer (instance history)').choices(LAYERS)),
  ).action(
    action(async (command, first: string, id?: string) => {
      const { layer } = command.opts<{ layer?: Layer }>();
      const client = clientFor(command);
      if (id !== undefined) {
        if (!isChangeKind(first)) {
          throw new InputError(`"${first}" is not a kind of change.`, {
            remedy: `Name one of ${CHANGE_KINDS.join(', ')}: ratchet history rollback rbr_...; or give only an instance: ratchet history acme/acme-prod.`,
          });
        }
        const path = `/api/v1/changes/${first}/${encodeURIComponent(id)}/activity`;
        printResult(await client.get<ChangeActivity>(path), { json: isJson(command), human: activityText });
        return;
      }
      const revisions: ListedRevision[] = [];
      for (const each of layer ? [layer] : LAYERS) {
        const path = `/api/v1/instances/${encodeURIComponent(first)}/layers/${each}/revisions`;
        revisions.push(...(await client.get<{ revisions: ListedRevision[] }>(path)).revisions);
      }
      printResult(revisions, { json: isJson(command), human: historyTable });
    }),
  );
}

import type { Command } from 'commander';
import { clientFor, withServerOptions } from '../client.js';
import { action, isJson, printResult, renderTable } from '../output.js';

interface JobEvidence {
  pipeline: string;
  jobName: string;
  owner: string | null;
  events: number;
  successes: number;
  failures: number;
  lastEventAt: string;
}

interface EvidenceListing {
  instanceId: string;
  since: string;
  jobs: JobEvidence[];
  nextOffset: number | null;
}

function listingText(listing: EvidenceListing): string {
  const table = renderTable(
    listing.jobs,
    [
      { header: 'pipeline', value: (j) => j.pipeline },
      { header: 'job', value: (j) => j.jobName },
      { header: 'owner', value: (j) => j.owner ?? '-' },
      { header: 'events', value: (j) => j.events },
      { header: 'ok', value: (j) => j.successes },
      { header: 'failed', value: (j) => j.failures },
      { header: 'last event', value: (j) => j.lastEventAt },
    ],
    '(no run evidence in the window: point Airflow/dbt-ol at POST /api/v1/lineage)',
  );
  const more = listing.nextOffset === null ? '' : `\n(more: --offset ${String(listing.nextOffset)})`;
  return `Runs since ${listing.since}\n${table}${more}`;
}

export function register(program: Command): void {
  withServerOptions(
    program
      .command('evidence')
      .description("an instance's stored OpenLineage runs, per pipeline and job")
      .argument('<instance>', 'instance id, name, or tenant-slug/name')
      .option('--window <days>', 'evidence window in days (default 30)')
      .option('--limit <n>', 'jobs per page (default 100)')
      .option('--offset <n>', 'skip this many jobs (paging)'),
  ).action(
    action(async (command, instance: string) => {
      const { window, limit, offset } = command.opts<{ window?: string; limit?: string; offset?: string }>();
      const listing = await clientFor(command).get<EvidenceListing>(
        `/api/v1/instances/${encodeURIComponent(instance)}/evidence`,
        { windowDays: window, limit, offset },
      );
      printResult(listing, { json: isJson(command), human: listingText });
    }),
  );
}

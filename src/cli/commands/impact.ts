import type { Command } from 'commander';
import type { ImpactAnswer } from '../../api/wire.js';
import type { PipelineImpact } from '../../impact/index.js';
import { clientFor, withServerOptions } from '../client.js';
import { action, isJson, printResult, renderTable } from '../output.js';

function impactText(answer: ImpactAnswer): string {
  const change = answer.packages.map((p) => `${p.name} ${p.from} -> ${p.to}`).join(', ');
  if (answer.packages.every((p) => p.moves === false)) {
    // Not a "(change)" with verdicts: a target the current pins already satisfy moves nothing.
    const held = answer.packages.map((p) => `${p.name} ${p.from} already satisfies ${p.to}`).join(', ');
    return `${held}: nothing moves, so no pipeline is fixed or broken.`;
  }
  if (answer.report === null) {
    return `${change}: no run evidence for this instance yet; the impact is unknown, never safe.`;
  }
  const table = renderTable<PipelineImpact>(
    answer.report.pipelines,
    [
      { header: 'pipeline', value: (p) => p.pipeline },
      { header: 'owners', value: (p) => (p.owners.length === 0 ? '-' : p.owners.join(', ')) },
      { header: 'verdict', value: (p) => p.verdict },
      { header: 'why', value: (p) => p.reason },
    ],
    '(no pipelines in the window)',
  );
  return [
    `${change} (${answer.report.direction})`,
    answer.report.summary,
    '',
    table,
    '',
    `report ${answer.reportHash ?? ''}`,
  ].join('\n');
}

export function register(program: Command): void {
  withServerOptions(
    program
      .command('impact')
      .description('who an image change fixes, breaks or leaves alone, from run evidence (OpenLineage)')
      .argument('<instance>', 'instance id, name, or tenant-slug/name')
      .requiredOption('--set <change...>', "package and PEP 440 target, e.g. 'dbt-core==1.10.*' (repeatable)")
      .option('--window <days>', 'evidence window in days (default 30)'),
  ).action(
    action(async (command, instance: string) => {
      const { set, window } = command.opts<{ set: string[]; window?: string }>();
      const query = new URLSearchParams(set.map((change): [string, string] => ['change', change]));
      if (window !== undefined) query.set('windowDays', window);
      const path = `/api/v1/instances/${encodeURIComponent(instance)}/impact?${query.toString()}`;
      const answer = await clientFor(command).get<ImpactAnswer>(path);
      printResult(answer, { json: isJson(command), human: impactText });
    }),
  );
}

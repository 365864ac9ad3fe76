import type { Command } from 'commander';
import type { TrialView } from '../../workflows/trial/index.js';
import { clientFor, withServerOptions } from '../client.js';
import { action, isJson, printResult, renderTable } from '../output.js';

const FINISHED: readonly TrialView['state'][] = ['succeeded', 'failed', 'cancelled'];

function trialText(trial: TrialView): string {
  if (trial.result === null)
    return `trial ${trial.id}: ${trial.state}${trial.error ? `: ${trial.error}` : ''}`;
  const changes = trial.result.changes.map((c) => `${c.name} ${c.from ?? '-'} -> ${c.to ?? '-'}`).join(', ');
  const lines = [
    `trial ${trial.id}: ${trial.state} (${changes || 'no package moves'})`,
    renderTable(trial.result.projects, [
      { header: 'PROJECT', value: (p) => p.name },
      { header: 'VERDICT', value: (p) => p.verdict },
      { header: 'COMMIT', value: (p) => p.commit?.slice(0, 12) ?? '-' },
      { header: 'OWNERS', value: (p) => p.owners.join(', ') || '-' },
    ]),
  ];
  for (const project of trial.result.projects) {
    if (project.candidate.error !== null)
      lines.push(`\n${project.name} (candidate): ${project.candidate.error}`);
    if (project.commitNote) lines.push(`${project.name}: ${project.commitNote}`);
    for (const d of project.candidate.deprecations)
      lines.push(`${project.name}: ${d.code} ${d.name}: ${d.message}`);
  }
  return lines.join('\n');
}

function progressBar(trial: TrialView): string {
  const { done, total, step } = trial.progress;
  const width = 20;
  const filled = total > 0 ? Math.round((done / total) * width) : 0;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(done)}/${String(total)} ${step}`;
}

/** `ratchet image trial`: tries a change on every registered project before anyone runs it (issue 16). */
export function register(program: Command): void {
  // Beside the other image subcommands (commands/image.ts registers `image` first: files load sorted).
  const image = program.commands.find((c) => c.name() === 'image') ?? program.command('image');
  withServerOptions(
    image
      .command('trial')
      .description(
        "build today's and the candidate image and run every registered dbt project in both; exit 1 when the change breaks one or the trial fails",
      )
      .argument('<instance>', 'instance id, name or tenant/name')
      .requiredOption('--set <requirement...>', "the change to try, e.g. 'dbt-core==1.10.*'")
      .option('--interval <ms>', 'how often to poll the trial', '1000'),
  ).action(
    action(async (command, instance: string) => {
      const { set, interval } = command.opts<{ set: string[]; interval: string }>();
      const client = clientFor(command);
      const json = isJson(command);
      const base = `/api/v1/instances/${encodeURIComponent(instance)}/image/trials`;
      let trial = await client.post<TrialView>(base, { set });
      const wait = Math.max(100, Number(interval) || 1000);
      const tty = process.stderr.isTTY;
      let lastLine = '';
      while (!FINISHED.includes(trial.state)) {
        if (!json) {
          // On a terminal one bar redrawn in place; otherwise (CI logs, pipes) a line per new step.
          const line = progressBar(trial);
          if (tty) process.stderr.write(`\r${line}\u001b[K`);
          else if (line !== lastLine) process.stderr.write(`${line}\n`);
          lastLine = line;
        }
        await new Promise((resolve) => setTimeout(resolve, wait));
        trial = await client.get<TrialView>(`${base}/${encodeURIComponent(trial.id)}`);
      }
      if (!json && tty) process.stderr.write('\n');
      const negative =
        trial.state !== 'succeeded' || (trial.result?.projects.some((p) => p.verdict === 'breaks') ?? false);
      printResult(trial, { json, human: trialText, negative });
    }),
  );
}

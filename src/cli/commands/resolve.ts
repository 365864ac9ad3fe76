import type { Command } from 'commander';
import type { ResolveResult } from '../../resolver/image/index.js';
import { action, isJson, printResult, renderTable } from '../output.js';
import { withSourceOptions } from '../sources/options.js';
import type { SourceOptions } from '../sources/options.js';

function human(result: ResolveResult): string {
  // pip says "Ignoring x: markers ... don't match your environment"; so does Ratchet, first.
  const ignored = result.ignored.map((entry) => `ignoring: ${entry.reason}`);
  if (!result.satisfiable)
    return [
      ...ignored,
      `No set of versions satisfies these requirements.\n\n${result.explanation ?? ''}`,
    ].join('\n');
  const rows = Object.entries(result.packages).map(([name, version]) => ({ name, version }));
  const table = renderTable(rows, [
    { header: 'package', value: (row) => row.name },
    { header: 'version', value: (row) => row.version },
  ]);
  const yanked = result.yanked.map(
    (y) => `warning: ${y.package} ${y.version} is yanked${y.reason ? `: ${y.reason}` : ''}`,
  );
  return [...ignored, table, ...yanked].join('\n');
}

export function register(program: Command): void {
  withSourceOptions(
    program
      .command('resolve')
      .description(
        'resolve requirements from scratch (offline: exit 0 satisfiable, 1 unsatisfiable, 2 bad input)',
      )
      .argument('<requirement...>', "PEP 508 requirements, e.g. 'dbt-core==1.10.*'"),
  ).action(
    action(async (command, requirements: string[]) => {
      const json = isJson(command);
      // Loaded when the command runs: `ratchet --help` and every other command skip the resolver.
      const { exitWhenIdle, openTarget, resolveRequirements } = await import('../offline-resolver.js');
      exitWhenIdle();
      const target = openTarget(command.opts<SourceOptions>(), { json });
      const result = await resolveRequirements({ ...target, requirements });
      target.finish();
      printResult(
        {
          satisfiable: result.satisfiable,
          packages: result.packages,
          explanation: result.explanation,
          yanked: result.yanked,
          ignored: result.ignored,
        },
        { json, human, negative: !result.satisfiable },
      );
    }),
  );
}

/**
 * `ratchet`: parse, call, print. Each command lives in `commands/<name>.ts`, exports
 * `register(program)` and is listed in `commands/index.ts`. The build bundles this entry into
 * dist/cli/ratchet.mjs (scripts/build-cli.mjs), which bin/ratchet runs.
 */
import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands/index.js';
import { exitCodeFor } from './exit.js';
import { fail } from './output.js';

// Commander would call process.exit itself; throwing instead sends every usage error through the
// one exit mapping in exit.ts.
function overrideExits(command: Command): void {
  command.exitOverride();
  for (const child of command.commands) overrideExits(child);
}

export async function buildProgram(): Promise<Command> {
  const program = new Command('ratchet')
    .description(
      'Change control for managed dbt + Airflow platforms: forward-only layers, reviewed image rollback.',
    )
    .option('--json', 'print exactly one JSON document on stdout')
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerCommands(program);
  overrideExits(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  const program = await buildProgram();
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed its message (or the help) on stderr; --json still promises one
      // document on stdout.
      if (error.exitCode !== 0 && argv.includes('--json')) fail(error, { json: true });
      else process.exitCode = exitCodeFor(error);
      return;
    }
    fail(error, { json: argv.includes('--json') });
  }
}

await main(process.argv.slice(2));

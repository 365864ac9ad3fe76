/**
 * `ratchet`: parse, call, print. Each command lives in `commands/<name>.ts` and exports
 * `register(program)`; this file finds them, so adding a command touches one file.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { exitCodeFor } from './exit.js';
import { fail } from './output.js';

const commandsDir = join(dirname(fileURLToPath(import.meta.url)), 'commands');

interface CommandModule {
  register: (program: Command) => void;
}

function commandFiles(): string[] {
  return readdirSync(commandsDir)
    .filter(
      (name) => /\.[cm]?[tj]s$/.test(name) && !/\.test\.[cm]?[tj]s$/.test(name) && !name.endsWith('.d.ts'),
    )
    .sort();
}

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
  for (const file of commandFiles()) {
    const module = (await import(pathToFileURL(join(commandsDir, file)).href)) as Partial<CommandModule>;
    if (typeof module.register !== 'function') {
      throw new Error(`src/cli/commands/${file} must export register(program).`);
    }
    module.register(program);
  }
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

import type { Command } from 'commander';
import { action, isJson, printResult } from '../output.js';
import { runWorker } from '../run-server.js';

export function register(program: Command): void {
  program
    .command('worker')
    .description('deliver notifications and check SLA clocks without serving the API (PostgreSQL)')
    .option('--database-url <url>', 'the PostgreSQL database the servers share (env RATCHET_DATABASE_URL)')
    .action(
      action(async (command) => {
        const options = command.opts<{ databaseUrl?: string }>();
        const worker = await runWorker(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {});
        printResult(
          { worker: 'started', channels: worker.channels },
          {
            json: isJson(command),
            human: (r) => `Ratchet worker delivering through: ${r.channels.join(', ')}`,
          },
        );
      }),
    );
}

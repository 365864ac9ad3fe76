import type { Command } from 'commander';
import type { BootstrapResult } from '../../workflows/index.js';
import { action, isJson, printResult } from '../output.js';
import { parsePort, runServer } from '../run-server.js';

interface ServeOptions {
  port: string;
  host: string;
  dataDir?: string;
  databaseUrl?: string;
}

function announce(result: { url: string; bootstrap: BootstrapResult }): string {
  const lines = [`Ratchet is listening on ${result.url}`, `OpenAPI: ${result.url}/openapi.json`];
  if (result.bootstrap.created) {
    lines.push(
      '',
      `First start: created the admin user ${result.bootstrap.user.name} (provider-admin).`,
      `Admin token (shown ONCE, store it now): ${result.bootstrap.token.token}`,
      `  export RATCHET_TOKEN=${result.bootstrap.token.token}`,
    );
  }
  return lines.join('\n');
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('start the API server (prints the bootstrap admin token once, on first start)')
    .option('--port <port>', 'port to listen on (0 picks a free one)', process.env.RATCHET_PORT ?? '8080')
    .option('--host <host>', 'interface to listen on', process.env.RATCHET_HOST ?? '127.0.0.1')
    .option('--data-dir <dir>', 'SQLite data directory (env RATCHET_DATA_DIR, default ./.ratchet)')
    .option('--database-url <url>', 'PostgreSQL URL instead of SQLite (env RATCHET_DATABASE_URL)')
    .action(
      action(async (command) => {
        const options = command.opts<ServeOptions>();
        // Imported here, not at the top: every `ratchet` command loads this file, few start a server.
        const { bootstrapAdmin } = await import('../../workflows/index.js');
        const { url, prepared } = await runServer({ ...options, port: parsePort(options.port) }, (store) =>
          bootstrapAdmin(store),
        );
        printResult({ url, bootstrap: prepared }, { json: isJson(command), human: announce });
      }),
    );
}

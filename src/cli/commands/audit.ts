import type { Command } from 'commander';
import type { AuditChainResult } from '../../domain/audit/index.js';
import { clientFor, withServerOptions } from '../client.js';
import { action, isJson, printResult } from '../output.js';

function describe(result: AuditChainResult): string {
  if (result.ok) return `audit chain intact: ${result.entries} entries verified`;
  return `audit chain BROKEN at entry ${result.brokenAt}: ${result.reason} (${result.entries} entries checked)`;
}

/** Reads the database directly: works while the server is down, and needs no token. */
async function verifyLocally(options: { dataDir?: string; databaseUrl?: string }): Promise<AuditChainResult> {
  // Imported here so commands that only talk HTTP do not load the database drivers.
  const { openStore } = await import('../../store/index.js');
  const store = await openStore({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
  });
  try {
    return await store.verifyAuditChain();
  } finally {
    await store.close();
  }
}

export function register(program: Command): void {
  const audit = program.command('audit').description('the append-only, hash-chained audit log');

  withServerOptions(
    audit
      .command('verify')
      .description('recompute the hash chain; exit 1 and name the first broken entry if it was tampered with')
      .option('--data-dir <dir>', 'verify the SQLite database in this directory directly, without a server')
      .option('--database-url <url>', 'verify this PostgreSQL database directly, without a server'),
  ).action(
    action(async (command) => {
      const options = command.opts<{ dataDir?: string; databaseUrl?: string }>();
      const result =
        options.dataDir !== undefined || options.databaseUrl !== undefined
          ? await verifyLocally(options)
          : await clientFor(command).post<AuditChainResult>('/api/v1/audit/verify');
      printResult(result, { json: isJson(command), human: describe, negative: !result.ok });
    }),
  );
}

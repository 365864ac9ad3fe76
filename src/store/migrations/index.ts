import { Migrator } from 'kysely';
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import { foundation } from './0001-foundation.js';
import { outbox } from './0002-outbox.js';
import { imageWorkflow } from './0003-image-workflow.js';
import { evidence } from './0004-evidence.js';
import { platform } from './0005-platform.js';
import { deployers } from './0006-deployers.js';
import { evidenceIndexes } from './0007-evidence-indexes.js';
import { authFailures } from './0008-auth-failures.js';
import { userEmails } from './0010-user-emails.js';
import { trialProjects } from './0012-trial-projects.js';
import { trialLeases } from './0014-trial-leases.js';
import { auditTargetIndex } from './0015-audit-target-index.js';

/**
 * Every migration, in order. To add one: write `NNNN-what.ts` exporting a `Migration` (portable
 * types: text and integer only) and append it here under the same name. Never edit or reorder a
 * migration that has shipped: databases remember applied names.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-foundation': foundation,
  '0002-outbox': outbox,
  '0003-image-workflow': imageWorkflow,
  '0004-evidence': evidence,
  '0005-platform': platform,
  '0006-deployers': deployers,
  '0007-evidence-indexes': evidenceIndexes,
  '0008-auth-failures': authFailures,
  '0010-user-emails': userEmails,
  '0012-trial-projects': trialProjects,
  '0014-trial-leases': trialLeases,
  '0015-audit-target-index': auditTargetIndex,
};

// In-code provider: migrations travel inside the package, no folder scanning at runtime.
const provider: MigrationProvider = {
  getMigrations: () => Promise.resolve({ ...MIGRATIONS }),
};

/**
 * Applies every pending migration; throws the first failure with its migration name. Generic over
 * the schema type: the migrations create the tables, so any handle (the store's `Kysely<Database>`,
 * a bare `Kysely<unknown>`) is one they can run on.
 */
export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error !== undefined) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Migration ${failed?.migrationName ?? '(unknown)'} failed: ${reason}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

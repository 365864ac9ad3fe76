import { NotFoundError } from '../../domain/errors/index.js';
import { DEFAULT_SEVERITIES, SEVERITIES } from '../../domain/defects/index.js';
import type {
  Defect,
  DefectCloseOutcome,
  DefectState,
  Severity,
  SeverityDefinition,
} from '../../domain/defects/index.js';
import { canSeeTenant } from '../../domain/roles/index.js';
import type { Actor } from '../../domain/roles/index.js';
import type { Db } from '../../store/index.js';
import { staleRow } from '../../store/index.js';
import type { DefectsTable } from '../../store/tables/platform.js';

export function toDefect(row: DefectsTable): Defect {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    instanceId: row.instance_id,
    reporterUserId: row.reporter_user_id,
    title: row.title,
    observed: row.observed,
    since: row.since,
    suggestedSeverity: Number(row.suggested_severity) as Severity,
    severity: row.severity === null ? null : (Number(row.severity) as Severity),
    assigneeUserId: row.assignee_user_id,
    regressedIn: row.regressed_in,
    state: row.state as DefectState,
    closeOutcome: row.close_outcome as DefectCloseOutcome | null,
    closeReason: row.close_reason,
    duplicateOf: row.duplicate_of,
    fixedByRelease: row.fixed_by_release,
    reopenCount: Number(row.reopen_count),
    reportedAt: row.reported_at,
    triagedAt: row.triaged_at,
    deployedAt: row.deployed_at,
    resolvedAt: row.resolved_at,
    closedAt: row.closed_at,
    updatedAt: row.updated_at,
    version: Number(row.version),
  };
}

/** A defect the actor may see; another tenant's defect is "not found" (existence must not leak). */
export async function findVisibleDefect(db: Db, actor: Actor, id: string): Promise<Defect> {
  const row = await db.selectFrom('defects').selectAll().where('id', '=', id).executeTakeFirst();
  if (row === undefined || !canSeeTenant(actor, row.tenant_id)) {
    throw new NotFoundError(`Defect "${id}" was not found.`, {
      remedy: 'List defects (ratchet defect list) to see the ones you can reach.',
    });
  }
  return toDefect(row);
}

export type DefectChanges = Partial<Omit<DefectsTable, 'id' | 'tenant_id' | 'version' | 'updated_at'>>;

/** Optimistic update: ConflictError when someone else changed the defect since it was read. */
export async function updateDefect(
  db: Db,
  defect: Defect,
  changes: DefectChanges,
  now: string,
): Promise<Defect> {
  const row = await db
    .updateTable('defects')
    .set({ ...changes, updated_at: now, version: defect.version + 1 })
    .where('id', '=', defect.id)
    .where('version', '=', defect.version)
    .returningAll()
    .executeTakeFirst();
  if (row === undefined) throw staleRow('Defect', defect.id, defect.version);
  return toDefect(row);
}

/** Stored severity definitions over the built-in defaults. */
export async function severityDefinitions(db: Db): Promise<Record<Severity, SeverityDefinition>> {
  const rows = await db.selectFrom('severity_definitions').selectAll().execute();
  const result = { ...DEFAULT_SEVERITIES };
  for (const row of rows) {
    const severity = Number(row.severity) as Severity;
    if (!SEVERITIES.includes(severity)) continue;
    result[severity] = {
      severity,
      name: row.name,
      definition: row.definition,
      responseMinutes: Number(row.response_minutes),
      resolutionMinutes: Number(row.resolution_minutes),
    };
  }
  return result;
}

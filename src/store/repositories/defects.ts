import { DEFAULT_SEVERITIES, SEVERITIES } from '../../domain/defects/index.js';
import type { Defect, DefectCloseOutcome, DefectState, Severity } from '../../domain/defects/index.js';
import type { DefectsTable } from '../tables/platform.js';
import type { DefectRepository } from '../types.js';
import type { RepositoryContext } from './context.js';
import { staleRow } from './context.js';

function toDefect(row: DefectsTable): Defect {
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

/** Defects (issue 13), their severity definitions and the SLA breaches already announced. */
export function defectRepository({ db }: RepositoryContext): DefectRepository {
  return {
    async get(id) {
      const row = await db.selectFrom('defects').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? null : toDefect(row);
    },
    async insert(row) {
      await db.insertInto('defects').values(row).execute();
      return toDefect(row);
    },
    async update(defect, changes, now) {
      const row = await db
        .updateTable('defects')
        .set({ ...changes, updated_at: now, version: defect.version + 1 })
        .where('id', '=', defect.id)
        .where('version', '=', defect.version)
        .returningAll()
        .executeTakeFirst();
      if (row === undefined) throw staleRow('Defect', defect.id, defect.version);
      return toDefect(row);
    },
    async list(filter = {}) {
      let query = db.selectFrom('defects').selectAll().orderBy('reported_at', 'desc').orderBy('id');
      if (filter.tenantId !== undefined) query = query.where('tenant_id', '=', filter.tenantId);
      if (filter.state !== undefined) query = query.where('state', '=', filter.state);
      return (await query.execute()).map(toDefect);
    },
    async listAwaitingRollout(tenantId) {
      const rows = await db
        .selectFrom('defects')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('state', 'in', ['fix-in-progress', 'fix-in-test'])
        .where('fixed_by_release', 'is not', null)
        .execute();
      return rows.map(toDefect);
    },
    async idsOfTenant(tenantId) {
      const rows = await db.selectFrom('defects').select('id').where('tenant_id', '=', tenantId).execute();
      return rows.map((row) => row.id);
    },
    async displayNames({ tenantIds, instanceIds, userIds }) {
      // Kysely refuses `in ()`: an empty list asks nothing.
      const [tenants, instances, users] = await Promise.all([
        tenantIds.length === 0
          ? []
          : db
              .selectFrom('tenants')
              .select(['id', 'slug'])
              .where('id', 'in', [...tenantIds])
              .execute(),
        instanceIds.length === 0
          ? []
          : db
              .selectFrom('instances')
              .select(['id', 'name'])
              .where('id', 'in', [...instanceIds])
              .execute(),
        userIds.length === 0
          ? []
          : db
              .selectFrom('users')
              .select(['id', 'name'])
              .where('id', 'in', [...userIds])
              .execute(),
      ]);
      return {
        tenants: new Map(tenants.map((t) => [t.id, t.slug])),
        instances: new Map(instances.map((i) => [i.id, i.name])),
        users: new Map(users.map((u) => [u.id, u.name])),
      };
    },
    async severityDefinitions() {
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
    },
    async saveSeverityDefinition(definition, now) {
      const existing = await db
        .selectFrom('severity_definitions')
        .select('version')
        .where('severity', '=', definition.severity)
        .executeTakeFirst();
      const values = {
        name: definition.name,
        definition: definition.definition,
        response_minutes: definition.responseMinutes,
        resolution_minutes: definition.resolutionMinutes,
        updated_at: now,
      };
      if (existing === undefined) {
        await db
          .insertInto('severity_definitions')
          .values({ severity: definition.severity, version: 1, ...values })
          .execute();
      } else {
        await db
          .updateTable('severity_definitions')
          .set({ ...values, version: Number(existing.version) + 1 })
          .where('severity', '=', definition.severity)
          .execute();
      }
    },
    async slaBreachesAnnounced() {
      const rows = await db.selectFrom('defect_sla_breaches').select(['defect_id', 'clock']).execute();
      return rows.map((row) => ({ defectId: row.defect_id, clock: row.clock }));
    },
    async insertSlaBreach(row) {
      await db.insertInto('defect_sla_breaches').values(row).execute();
    },
  };
}

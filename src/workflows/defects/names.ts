import type { DefectRepository } from '../../store/index.js';

/** What people read instead of ids on a defect (issue 17: `assignee usr_…` said nothing). */
export interface DefectNames {
  tenantSlug: string | null;
  instanceName: string | null;
  reporterName: string | null;
  assigneeName: string | null;
}

interface Named {
  tenantId: string;
  instanceId: string;
  reporterUserId: string;
  assigneeUserId: string | null;
}

/** The names of each defect's tenant, instance, reporter and assignee, read in one round of queries. */
export async function withNames<T extends Named>(
  defects: Pick<DefectRepository, 'displayNames'>,
  named: readonly T[],
): Promise<(T & DefectNames)[]> {
  if (named.length === 0) return [];
  const { tenants, instances, users } = await defects.displayNames({
    tenantIds: [...new Set(named.map((d) => d.tenantId))],
    instanceIds: [...new Set(named.map((d) => d.instanceId))],
    userIds: [
      ...new Set(
        named.flatMap((d) => [d.reporterUserId, ...(d.assigneeUserId === null ? [] : [d.assigneeUserId])]),
      ),
    ],
  });
  return named.map((d) => ({
    ...d,
    tenantSlug: tenants.get(d.tenantId) ?? null,
    instanceName: instances.get(d.instanceId) ?? null,
    reporterName: users.get(d.reporterUserId) ?? null,
    assigneeName: d.assigneeUserId === null ? null : (users.get(d.assigneeUserId) ?? null),
  }));
}

import type { Db } from '../../store/index.js';

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

/** The names of each defect's tenant, instance, reporter and assignee, read in three queries. */
export async function withNames<T extends Named>(
  db: Db,
  defects: readonly T[],
): Promise<(T & DefectNames)[]> {
  if (defects.length === 0) return [];
  const userIds = [
    ...new Set(
      defects.flatMap((d) => [d.reporterUserId, ...(d.assigneeUserId === null ? [] : [d.assigneeUserId])]),
    ),
  ];
  const [tenants, instances, users] = await Promise.all([
    db
      .selectFrom('tenants')
      .select(['id', 'slug'])
      .where('id', 'in', [...new Set(defects.map((d) => d.tenantId))])
      .execute(),
    db
      .selectFrom('instances')
      .select(['id', 'name'])
      .where('id', 'in', [...new Set(defects.map((d) => d.instanceId))])
      .execute(),
    db.selectFrom('users').select(['id', 'name']).where('id', 'in', userIds).execute(),
  ]);
  const slug = new Map(tenants.map((t) => [t.id, t.slug]));
  const instance = new Map(instances.map((i) => [i.id, i.name]));
  const user = new Map(users.map((u) => [u.id, u.name]));
  return defects.map((d) => ({
    ...d,
    tenantSlug: slug.get(d.tenantId) ?? null,
    instanceName: instance.get(d.instanceId) ?? null,
    reporterName: user.get(d.reporterUserId) ?? null,
    assigneeName: d.assigneeUserId === null ? null : (user.get(d.assigneeUserId) ?? null),
  }));
}

/**
 * Provider roles (Datacoves staff) see every tenant; customer roles see their own tenant only.
 */
export type ProviderRole = 'provider-admin' | 'provider-engineer' | 'provider-support';
export type CustomerRole = 'customer-admin' | 'customer-member';
/**
 * Machine accounts of one tenant. `lineage-ingest` may only post OpenLineage events for its tenant
 * (issue 5): an Airflow/dbt emitter holds its token, so it must not read or change anything else.
 */
export type ServiceRole = 'lineage-ingest';
export type Role = ProviderRole | CustomerRole | ServiceRole;

/** Who is calling: resolved from a bearer token by `authenticateToken`. */
export interface Actor {
  userId: string;
  name: string;
  role: Role;
  /** null for provider roles, the tenant id for customer roles. */
  tenantId: string | null;
}

/** Everything a workflow checks a role for. Add new actions to the table in `permissions.ts`. */
export type Action =
  | 'tenant.create'
  | 'tenant.update'
  | 'tenant.read'
  | 'instance.create'
  | 'instance.read'
  | 'revision.record.infrastructure'
  | 'revision.record.platform'
  | 'revision.record.image'
  | 'revision.deploy'
  | 'revision.read'
  | 'rollback.attempt'
  | 'audit.read'
  | 'audit.verify'
  | 'user.create'
  | 'user.read'
  | 'token.create'
  | 'token.revoke'
  | 'lineage.ingest'
  | 'lineage.token.create'
  | 'evidence.read'
  | 'evidence.configure';

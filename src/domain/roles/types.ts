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
  | 'delivery.read'
  | 'delivery.requeue'
  | 'user.create'
  | 'user.read'
  | 'token.create'
  | 'token.revoke'
  | 'image.read'
  | 'image.source.set'
  | 'image.rollback.request'
  | 'image.rollback.review'
  | 'image.rollback.accept'
  | 'image.rollback.resolve'
  | 'image.change.refresh'
  | 'image.upgrade.request'
  | 'image.upgrade.approve'
  | 'image.upgrade.signoff'
  | 'image.upgrade.promote'
  | 'image.upgrade.override'
  | 'image.deploy.report'
  | 'image.deployer.configure'
  | 'lineage.ingest'
  | 'lineage.token.create'
  | 'evidence.read'
  | 'evidence.configure'
  | 'platform.read'
  | 'platform.release.publish'
  | 'platform.release.rollout'
  | 'platform.rollout.override'
  | 'infrastructure.change.apply.override'
  | 'defect.read'
  | 'defect.report'
  | 'defect.triage'
  | 'defect.fix'
  | 'defect.close'
  | 'defect.confirm'
  | 'defect.severity.configure'
  | 'defect.sla.check'
  | 'infrastructure.change.read'
  | 'infrastructure.change.plan'
  | 'infrastructure.change.signoff'
  | 'infrastructure.change.apply'
  | 'project.read'
  | 'project.configure'
  | 'image.trial.run';

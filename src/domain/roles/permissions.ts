import { NotAllowedError, NotFoundError } from '../errors/index.js';
import type { Action, Actor, CustomerRole, ProviderRole, Role, ServiceRole } from './types.js';

export const PROVIDER_ROLES: readonly ProviderRole[] = [
  'provider-admin',
  'provider-engineer',
  'provider-support',
];
export const CUSTOMER_ROLES: readonly CustomerRole[] = ['customer-admin', 'customer-member'];
// Service roles are known to access control but hold no permission a person has (issue 5).
export const SERVICE_ROLES: readonly ServiceRole[] = ['lineage-ingest'];
export const ROLES: readonly Role[] = [...PROVIDER_ROLES, ...CUSTOMER_ROLES, ...SERVICE_ROLES];

// Every person's role; machine accounts (SERVICE_ROLES) are deliberately left out.
const EVERYONE: readonly Role[] = [...PROVIDER_ROLES, ...CUSTOMER_ROLES];
const PROVIDER_CHANGE: readonly Role[] = ['provider-admin', 'provider-engineer'];

/**
 * Which roles may do what. Tenant scoping is checked separately (`assertTenantVisible`): a role listed
 * here still sees only its own tenant when it is a customer role.
 *
 * Why these: infrastructure and platform changes are executed by the provider ("Datacoves Engineering",
 * rollback-strategy.txt first table); the image is "Customer-initiated, Datacoves-executed", so a
 * revision of it is recorded by the provider, while customers initiate through request workflows.
 */
export const PERMISSIONS: Readonly<Record<Action, readonly Role[]>> = {
  'tenant.create': ['provider-admin'],
  'tenant.update': ['provider-admin'],
  'tenant.read': EVERYONE,
  'instance.create': PROVIDER_CHANGE,
  'instance.read': EVERYONE,
  'revision.record.infrastructure': PROVIDER_CHANGE,
  'revision.record.platform': PROVIDER_CHANGE,
  'revision.record.image': PROVIDER_CHANGE,
  'revision.deploy': PROVIDER_CHANGE,
  'revision.read': EVERYONE,
  // Anyone may ask; the answer is the policy's explanation (a PolicyError), never a silent 403.
  'rollback.attempt': EVERYONE,
  'audit.read': PROVIDER_ROLES,
  'audit.verify': PROVIDER_ROLES,
  // Parked notifications hold every tenant's messages: the provider watches and requeues them.
  'delivery.read': PROVIDER_ROLES,
  'delivery.requeue': PROVIDER_CHANGE,
  // customer-admin: only users of their own tenant, with customer roles (checked in the workflow).
  'user.create': ['provider-admin', 'customer-admin'],
  'user.read': ['provider-admin', 'provider-engineer', 'provider-support', 'customer-admin'],
  'token.create': ['provider-admin', 'customer-admin'],
  'token.revoke': ['provider-admin', 'customer-admin'],
  // Customer image (issue 4): "Customer-initiated, Datacoves-executed". Rollback Process (Last Resort):
  // the customer identifies the package and target and submits the request; Datacoves validates it;
  // the customer accepts responsibility for downstream effects, validates and confirms resolution.
  'image.read': EVERYONE,
  'image.source.set': PROVIDER_CHANGE,
  'image.rollback.request': ['customer-admin'],
  'image.rollback.review': ['provider-engineer'],
  'image.rollback.accept': ['customer-admin'],
  'image.rollback.resolve': ['customer-admin'],
  'image.change.refresh': ['customer-admin', 'provider-engineer'],
  // "Test before promoting to production": the customer signs off on the test instance; production
  // without a test instance is the provider admin's explicit override alone.
  'image.upgrade.request': ['customer-admin', 'provider-engineer'],
  'image.upgrade.approve': ['provider-engineer'],
  'image.upgrade.signoff': ['customer-admin'],
  'image.upgrade.promote': ['customer-admin', 'provider-engineer'],
  'image.upgrade.override': ['provider-admin'],
  'image.deploy.report': PROVIDER_CHANGE,
  // Which deployer runs an instance's image (and its webhook secret or command): the provider's to set.
  'image.deployer.configure': PROVIDER_CHANGE,
  // Run evidence (issue 5): only an ingestion token posts events, for its own tenant; the admins who
  // manage tokens mint one; mappings that decide attribution are set by admins and provider staff.
  'lineage.ingest': ['lineage-ingest'],
  'lineage.token.create': ['provider-admin', 'customer-admin'],
  'evidence.read': EVERYONE,
  'evidence.configure': ['provider-admin', 'provider-engineer', 'customer-admin'],
  // Platform releases (issue 6). Summary table, "Platform service defect after release": Datacoves
  // "Develop and deploy a hotfix as a forward release"; the test-first override is the admin's alone.
  'platform.read': EVERYONE,
  'platform.release.publish': PROVIDER_CHANGE,
  'platform.release.rollout': PROVIDER_CHANGE,
  'platform.rollout.override': ['provider-admin'],
  'infrastructure.change.apply.override': ['provider-admin'],
  // Defects. Same row: the customer "Report the issue through the support channel"; "The Datacoves
  // engineering team triages the issue and determines severity" (support staff take the first look).
  'defect.read': EVERYONE,
  'defect.report': CUSTOMER_ROLES,
  'defect.triage': PROVIDER_ROLES,
  'defect.fix': PROVIDER_CHANGE,
  'defect.close': PROVIDER_ROLES,
  // "The customer validates ... and confirms resolution" (checked again in the workflow: reporter or admin).
  'defect.confirm': CUSTOMER_ROLES,
  'defect.severity.configure': ['provider-admin'],
  'defect.sla.check': PROVIDER_ROLES,
  // Infrastructure. Row "Infrastructure upgrade": Datacoves "Collaborate on planning and execution",
  // the customer "Participate in testing before applying changes" (sign-off; "Both parties participate").
  'infrastructure.change.read': EVERYONE,
  'infrastructure.change.plan': PROVIDER_CHANGE,
  'infrastructure.change.signoff': [...PROVIDER_CHANGE, ...CUSTOMER_ROLES],
  'infrastructure.change.apply': PROVIDER_CHANGE,
  // Trials (issue 16): a customer admin registers their tenant's dbt projects (the workflow keeps
  // them to their own tenant); the provider runs and reads trials as part of every review.
  'project.read': [...PROVIDER_ROLES, 'customer-admin'],
  'project.configure': ['provider-admin', 'provider-engineer', 'customer-admin'],
  'image.trial.run': ['provider-admin', 'provider-engineer', 'customer-admin'],
};

export function isProviderRole(role: Role): role is ProviderRole {
  return (PROVIDER_ROLES as readonly string[]).includes(role);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function can(actor: Actor, action: Action): boolean {
  return PERMISSIONS[action].includes(actor.role);
}

/** Throws NotAllowedError naming the roles that may do `action`. */
export function assertCan(actor: Actor, action: Action): void {
  if (can(actor, action)) return;
  const allowed = PERMISSIONS[action];
  throw new NotAllowedError(
    `Your role (${actor.role}) may not do "${action}"; it is reserved for: ${allowed.join(', ')}.`,
    {
      remedy: `Ask someone with one of these roles: ${allowed.join(', ')}.`,
      extra: { action, role: actor.role, allowedRoles: [...allowed] },
    },
  );
}

/** Provider roles see every tenant; customer roles only their own. */
export function canSeeTenant(actor: Actor, tenantId: string): boolean {
  return isProviderRole(actor.role) || actor.tenantId === tenantId;
}

/**
 * Tenant isolation answers 404, not 403, so that a customer cannot learn that another tenant's
 * resource exists.
 */
export function assertTenantVisible(actor: Actor, tenantId: string, what: string): void {
  if (canSeeTenant(actor, tenantId)) return;
  throw new NotFoundError(`${what} was not found.`);
}

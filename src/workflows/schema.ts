import { z } from 'zod';
import { InputError } from '../domain/errors/index.js';
import type { Layer as LayerName } from '../domain/layers/index.js';
import type { Role } from '../domain/roles/index.js';
import { InstanceName, TenantSlug } from '../domain/tenancy/index.js';
import type { InstanceKind } from '../domain/tenancy/index.js';

/*
 * Workflow inputs, validated inside every workflow (InputError), so the API and CLI can reuse these
 * schemas for their own request shapes and still never bypass the checks.
 *
 * References: a tenant is named by id (`ten_...`) or slug; an instance by id (`ins_...`), by name
 * (in the actor's tenant; for provider roles it must be unique across tenants), or `tenant-slug/name`.
 */
export const TenantRef = z.string().trim().min(1);
export type TenantRef = z.infer<typeof TenantRef>;
export const InstanceRef = z.string().trim().min(1);
export type InstanceRef = z.infer<typeof InstanceRef>;

const Layer = z.enum(['infrastructure', 'platform', 'image'] satisfies LayerName[]);
const RevisionNumber = z.number().int().min(1);
const Version = z.number().int().min(1);
const DisplayName = z.string().trim().min(1).max(200);

export const CreateTenantInput = z.object({ slug: TenantSlug, name: DisplayName });
export type CreateTenantInput = z.infer<typeof CreateTenantInput>;

export const UpdateTenantInput = z.object({
  tenant: TenantRef,
  name: DisplayName,
  /** The tenant's `version` the caller read; stale = ConflictError. */
  expectedVersion: Version,
});
export type UpdateTenantInput = z.infer<typeof UpdateTenantInput>;

export const CreateInstanceInput = z.object({
  tenant: TenantRef,
  name: InstanceName,
  kind: z.enum(['test', 'production'] satisfies InstanceKind[]),
  /** For production instances: the tenant's test instance it promotes from. */
  testInstance: InstanceRef.nullish(),
  /** OpenLineage job namespaces this instance emits. */
  namespaces: z.array(z.string().trim().min(1).max(500)).max(50).optional(),
});
export type CreateInstanceInput = z.infer<typeof CreateInstanceInput>;

export const ListInstancesInput = z.object({ tenant: TenantRef.optional() });
export type ListInstancesInput = z.infer<typeof ListInstancesInput>;

export const RecordRevisionInput = z.object({
  instance: InstanceRef,
  layer: Layer,
  /** Checked against the layer's schema (PlatformContent, InfrastructureContent, ImageContent). */
  content: z.unknown(),
  /** Why: kept with the revision and in the audit log. */
  reason: z.string().trim().min(1).max(2000),
  /** The latest revision number the caller saw (0 for none). Stale = ConflictError. Omit to append. */
  expectedRevision: z.number().int().min(0).optional(),
  /** Only honoured for the rollback-request workflow (RecordRevisionOptions); refused otherwise. */
  rollbackOf: RevisionNumber.nullish(),
});
export type RecordRevisionInput = z.infer<typeof RecordRevisionInput>;

export const RevisionRefInput = z.object({ instance: InstanceRef, layer: Layer, number: RevisionNumber });
export type RevisionRefInput = z.infer<typeof RevisionRefInput>;

export const MarkRevisionInput = RevisionRefInput.extend({
  /** The revision's `version` the caller read; stale = ConflictError. Omit to accept the current one. */
  expectedVersion: Version.optional(),
});
export type MarkRevisionInput = z.infer<typeof MarkRevisionInput>;

export const ListRevisionsInput = z.object({ instance: InstanceRef, layer: Layer.optional() });
export type ListRevisionsInput = z.infer<typeof ListRevisionsInput>;

export const CurrentRevisionInput = z.object({ instance: InstanceRef, layer: Layer });
export type CurrentRevisionInput = z.infer<typeof CurrentRevisionInput>;

export const AttemptRollbackInput = z.object({
  instance: InstanceRef,
  layer: Layer,
  toRevision: RevisionNumber,
});
export type AttemptRollbackInput = z.infer<typeof AttemptRollbackInput>;

export const CreateUserInput = z.object({
  name: DisplayName,
  email: z.email().nullish(),
  role: z.enum([
    'provider-admin',
    'provider-engineer',
    'provider-support',
    'customer-admin',
    'customer-member',
  ] satisfies Role[]),
  /** Required for customer roles, forbidden for provider roles. */
  tenant: TenantRef.nullish(),
});
export type CreateUserInput = z.infer<typeof CreateUserInput>;

export const ListUsersInput = z.object({ tenant: TenantRef.optional() });
export type ListUsersInput = z.infer<typeof ListUsersInput>;

export const IssueTokenInput = z.object({
  userId: z.string().trim().min(1),
  label: z.string().trim().min(1).max(200).optional(),
  /** 1..365, default 90: tokens always expire. */
  expiresInDays: z.number().int().min(1).max(365).optional(),
});
export type IssueTokenInput = z.infer<typeof IssueTokenInput>;

export const RevokeTokenInput = z.object({ tokenId: z.string().trim().min(1) });
export type RevokeTokenInput = z.infer<typeof RevokeTokenInput>;

export const ListAuditInput = z.object({
  afterSeq: z.number().int().min(0).optional(),
  limit: z.number().int().min(1).max(1000).optional(),
});
export type ListAuditInput = z.infer<typeof ListAuditInput>;

export const BootstrapAdminInput = z.object({ name: DisplayName.optional(), email: z.email().nullish() });
export type BootstrapAdminInput = z.infer<typeof BootstrapAdminInput>;

/** Validates workflow input; InputError lists each problem with its field path. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`,
  );
  throw new InputError(`Invalid ${what}: ${problems.join('; ')}.`, {
    remedy: 'Fix the listed fields and send the request again.',
    extra: { problems },
  });
}

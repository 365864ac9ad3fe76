/**
 * The wire shapes of /api/v1: they validate requests, shape responses and generate /openapi.json.
 * Domain content schemas (PlatformContent, ...) are reused, never copied.
 */
import { z } from 'zod';
import { LAYERS } from '../domain/layers/index.js';
import type { Layer } from '../domain/layers/index.js';
import { ImageContent, InfrastructureContent, PlatformContent } from '../domain/revisions/index.js';
import { ROLES } from '../domain/roles/index.js';
import type { Role } from '../domain/roles/index.js';
import { INSTANCE_KINDS, InstanceName, TenantSlug } from '../domain/tenancy/index.js';
import type { InstanceKind } from '../domain/tenancy/index.js';

export const LayerParam = z.enum(LAYERS as [Layer, ...Layer[]]);
export const RoleName = z.enum(ROLES as [Role, ...Role[]]);
export const InstanceKindName = z.enum(INSTANCE_KINDS as [InstanceKind, ...InstanceKind[]]);

// ---- entities ---------------------------------------------------------------------------------

export const TenantBody = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Tenant' });
export type TenantBody = z.infer<typeof TenantBody>;

export const InstanceBody = z
  .object({
    id: z.string(),
    tenantId: z.string(),
    name: z.string(),
    kind: InstanceKindName,
    testInstanceId: z.string().nullable(),
    namespaces: z.array(z.string()),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Instance' });
export type InstanceBody = z.infer<typeof InstanceBody>;

export const RevisionBody = z
  .object({
    id: z.string(),
    instanceId: z.string(),
    tenantId: z.string(),
    layer: LayerParam,
    number: z.number().int(),
    status: z.enum(['pending', 'deployed', 'failed']),
    actorUserId: z.string(),
    actorRole: RoleName,
    reason: z.string(),
    content: z.union([PlatformContent, InfrastructureContent, ImageContent]),
    rollbackOf: z.number().int().nullable(),
    createdAt: z.string(),
    statusChangedAt: z.string().nullable(),
    version: z.number().int(),
  })
  .meta({ id: 'Revision' });
export type RevisionBody = z.infer<typeof RevisionBody>;

/** A revision in a listing, with the recorder's display name (null when the user no longer exists). */
export const ListedRevisionBody = RevisionBody.extend({ actorName: z.string().nullable() }).meta({
  id: 'ListedRevision',
});
export type ListedRevisionBody = z.infer<typeof ListedRevisionBody>;

export const UserBody = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string().nullable(),
    role: RoleName,
    tenantId: z.string().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
  })
  .meta({ id: 'User' });
export type UserBody = z.infer<typeof UserBody>;

export const TokenInfoBody = z
  .object({
    id: z.string(),
    userId: z.string(),
    label: z.string(),
    createdAt: z.string(),
    expiresAt: z.string(),
    revokedAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
  })
  .meta({ id: 'ApiToken' });

export const AuditEntryBody = z
  .object({
    seq: z.number().int(),
    at: z.string(),
    actorUserId: z.string().nullable(),
    actorRole: z.string(),
    tenantId: z.string().nullable(),
    action: z.string(),
    target: z.string(),
    before: z.string().nullable(),
    after: z.string().nullable(),
    prevHash: z.string(),
    hash: z.string(),
  })
  .meta({ id: 'AuditEntry' });

export const AuditVerification = z
  .union([
    z.object({ ok: z.literal(true), entries: z.number().int() }),
    z.object({
      ok: z.literal(false),
      brokenAt: z.number().int(),
      reason: z.string(),
      entries: z.number().int(),
    }),
  ])
  .meta({ id: 'AuditVerification' });

export const ProblemBody = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
    policy: z.string().optional(),
    remedy: z.string().optional(),
  })
  .loose()
  .meta({ id: 'Problem', description: 'RFC 9457 problem details (application/problem+json).' });

/** GET /api/v1/policy: the rollback policy per layer and the responsibility matrix. */
export const LayerPolicyBody = z.object({
  layer: LayerParam,
  title: z.string(),
  policy: z.string(),
  capability: z.enum(['never', 'by-request']),
  capabilityText: z.string(),
  responsibility: z.string(),
  reason: z.string(),
  remedy: z.string(),
});

export const PolicyBody = z
  .object({
    source: z.string(),
    layers: z.array(LayerPolicyBody),
    responsibilities: z.array(z.object({ scenario: z.string(), provider: z.string(), customer: z.string() })),
  })
  .meta({ id: 'RollbackPolicy' });
export type PolicyBody = z.infer<typeof PolicyBody>;

/** GET /api/v1/me: who the bearer token belongs to. */
export const MeBody = z.object({
  userId: z.string(),
  name: z.string(),
  role: RoleName,
  tenantId: z.string().nullable(),
});
export type MeBody = z.infer<typeof MeBody>;

// ---- requests ---------------------------------------------------------------------------------

/** `ten_...` or the tenant's slug. */
export const TenantParams = z.object({ tenantId: z.string().min(1) });
/** `ins_...`, a name, or `tenant-slug/name` (URL-encoded). */
export const InstanceParams = z.object({ instanceId: z.string().min(1) });
export const LayerParams = InstanceParams.extend({ layer: LayerParam });
export const RevisionParams = LayerParams.extend({ number: z.coerce.number().int().positive() });

export const CreateTenantRequest = z.object({ slug: TenantSlug, name: z.string().trim().min(1).max(200) });
export type CreateTenantRequest = z.infer<typeof CreateTenantRequest>;

export const CreateInstanceRequest = z.object({
  name: InstanceName,
  kind: InstanceKindName,
  testInstance: z.string().min(1).nullable().optional(),
  namespaces: z.array(z.string().min(1)).optional(),
});
export type CreateInstanceRequest = z.infer<typeof CreateInstanceRequest>;

export const InstancesQuery = z.object({ tenant: z.string().min(1).optional() });

export const RecordRevisionRequest = z.object({
  /** The latest revision number the caller saw (0 for none): a stale number is a 409. */
  expectedRevision: z.number().int().min(0),
  reason: z.string().trim().min(1).max(2000),
  // Checked against the layer's schema by the workflow, which names the failing field.
  content: z.record(z.string(), z.unknown()),
});
export type RecordRevisionRequest = z.infer<typeof RecordRevisionRequest>;

export const MarkRevisionRequest = z.object({ expectedVersion: z.number().int().min(1).optional() });

export const RollbackRequest = z.object({ toRevision: z.number().int().positive() });

export const AuditQuery = z.object({
  afterSeq: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

export const CreateUserRequest = z.object({
  name: z.string().trim().min(1).max(200),
  email: z.email().nullable().optional(),
  // People only: a lineage-ingest service account comes from POST /tenants/{id}/ingestion-tokens.
  role: RoleName.exclude(['lineage-ingest']),
  tenant: z.string().min(1).nullable().optional(),
});

export const IssueTokenRequest = z.object({
  userId: z.string().min(1),
  label: z.string().trim().min(1).max(200).optional(),
  expiresInDays: z.number().int().min(1).max(365).optional(),
});

export const TokenParams = z.object({ id: z.string().min(1) });

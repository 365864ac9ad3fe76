// Wire shapes of /api/v1 as the dashboard reads them (see src/api/schema.ts and src/api/routes/).

export type Role =
  'provider-admin' | 'provider-engineer' | 'provider-support' | 'customer-admin' | 'customer-member';
export type Layer = 'infrastructure' | 'platform' | 'image';
export const LAYERS: readonly Layer[] = ['infrastructure', 'platform', 'image'];

export interface Me {
  userId: string;
  name: string;
  role: Role;
  tenantId: string | null;
}

export interface Tenant {
  id: string;
  slug: string;
  name: string;
}

export interface Instance {
  id: string;
  tenantId: string;
  name: string;
  kind: 'test' | 'production';
  testInstanceId: string | null;
  namespaces: string[];
}

export interface PackagePin {
  name: string;
  version: string;
}
export interface ImageContent {
  python: string;
  platform: string;
  index: string;
  packages: PackagePin[];
}
export interface PlatformContent {
  version: string;
  components: Record<string, string>;
}
export interface InfrastructureContent {
  changes: Record<string, unknown>;
  description: string;
}

export interface Revision {
  id: string;
  instanceId: string;
  tenantId: string;
  layer: Layer;
  number: number;
  status: 'pending' | 'deployed' | 'failed';
  actorUserId: string;
  actorRole: Role;
  /** The recorder's display name; listings only (GET .../revisions), null for a deleted user. */
  actorName?: string | null;
  reason: string;
  content: ImageContent | PlatformContent | InfrastructureContent;
  rollbackOf: number | null;
  createdAt: string;
  statusChangedAt: string | null;
}

export interface LayerPolicy {
  layer: Layer;
  title: string;
  policy: string;
  capability: 'never' | 'by-request';
  capabilityText: string;
  responsibility: string;
  reason: string;
  remedy: string;
}

export interface PolicyDocument {
  source: string;
  layers: LayerPolicy[];
  responsibilities: { scenario: string; provider: string; customer: string }[];
}

export function isProviderRole(role: Role): boolean {
  return role.startsWith('provider-');
}

/** GET /api/v1/instances/{id}/outcomes (src/workflows/evidence/outcomes.ts). */
export interface OutcomeBucket {
  day: string;
  revision: number | null;
  successes: number;
  failures: number;
}

export interface OutcomesHistory {
  instanceId: string;
  since: string;
  until: string;
  pipelines: { pipeline: string; owners: string[]; days: OutcomeBucket[] }[];
  deployments: { revision: number; deployedAt: string; moved: string[]; reason: string }[];
}

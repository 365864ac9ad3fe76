import type { Instance } from '../../domain/tenancy/index.js';

/** A published platform release: the provider's forward-only unit of change for platform services. */
export interface PlatformRelease {
  id: string;
  version: string;
  components: Record<string, string>;
  notes: string;
  /** Defect ids this release fixes: a hotfix when non-empty. */
  fixes: string[];
  /** Instance ids a hotfix is limited to (their test instances may take it too); null = everyone. */
  targets: string[] | null;
  publishedBy: string;
  publishedAt: string;
}

export interface PlatformRollout {
  id: string;
  releaseVersion: string;
  instanceId: string;
  tenantId: string;
  revisionNumber: number;
  overrideReason: string | null;
  actorUserId: string;
  createdAt: string;
}

/** One instance's platform state for `ratchet platform status`. */
export interface InstancePlatformStatus {
  instance: Pick<Instance, 'id' | 'name' | 'kind' | 'tenantId' | 'testInstanceId'>;
  currentVersion: string | null;
  currentRevision: number | null;
  /** Published releases above the current version this instance may take (hotfix targets respected). */
  available: string[];
}

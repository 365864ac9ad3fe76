import type { Instance } from '../../domain/tenancy/index.js';

// The release record is the store's: defects and platform workflows both read it from there.
export type { PlatformRelease } from '../../store/index.js';

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

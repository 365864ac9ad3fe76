import type { Layer } from '../layers/types.js';
import type { Role } from '../roles/types.js';
import type { ImageContent, InfrastructureContent, PlatformContent } from './schema.js';

/** A revision is recorded `pending`; only the deployer's confirmation moves it on. */
export type DeploymentStatus = 'pending' | 'deployed' | 'failed';

export type DeploymentEvent = 'deployed' | 'failed';

/** The content each layer's revisions carry. */
export interface LayerContent {
  infrastructure: InfrastructureContent;
  platform: PlatformContent;
  image: ImageContent;
}

export type RevisionContent = LayerContent[Layer];

/**
 * One immutable, numbered state of one layer of one instance (ARCHITECTURE.md: "Every state a layer
 * has ever had is an immutable, numbered revision"). Numbers start at 1 per (instance, layer).
 * Only `status` (and its timestamps, `version`) ever change after recording.
 */
export interface Revision<L extends Layer = Layer> {
  id: string;
  instanceId: string;
  tenantId: string;
  layer: L;
  number: number;
  status: DeploymentStatus;
  actorUserId: string;
  actorRole: Role;
  /** Why the change was made, in the recorder's words. */
  reason: string;
  content: LayerContent[L];
  /** The revision number whose content this one restores; only image rollbacks via a rollback request. */
  rollbackOf: number | null;
  createdAt: string;
  /** When the status last changed (deployed or failed); null while pending. */
  statusChangedAt: string | null;
  version: number;
}

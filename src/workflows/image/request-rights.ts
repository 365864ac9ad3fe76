/*
 * Who may start an image change (issue 18): GET /api/v1/me answers with these, so the dashboard
 * offers a request form exactly when the request workflow (rollback.ts, upgrade.ts) would accept it.
 * Both read REQUEST_PERMISSION (machine.ts), so the answer and the check cannot drift apart.
 */
import { can, PERMISSIONS } from '../../domain/roles/index.js';
import type { Actor, Role } from '../../domain/roles/index.js';
import { REQUEST_PERMISSION } from './machine.js';
import type { ImageChangeKind } from './types.js';

/** Whether the caller may request a change of one kind, and who may. */
export interface ImageRequestRight {
  allowed: boolean;
  /** The roles that may (shown to a caller who may not, so they know whom to ask). */
  roles: Role[];
  /** The permission the request workflow asserts (src/domain/roles/permissions.ts). */
  permission: string;
}

export type ImageRequestRights = Record<ImageChangeKind, ImageRequestRight>;

function rightOf(actor: Actor, kind: ImageChangeKind): ImageRequestRight {
  const permission = REQUEST_PERMISSION[kind];
  return { allowed: can(actor, permission), roles: [...PERMISSIONS[permission]], permission };
}

/** What `actor` may start: a rollback request, an upgrade request. */
export function imageRequestRights(actor: Actor): ImageRequestRights {
  return { rollback: rightOf(actor, 'rollback'), upgrade: rightOf(actor, 'upgrade') };
}

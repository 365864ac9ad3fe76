import { ConflictError } from '../errors/index.js';
import type { DeploymentEvent, DeploymentStatus, Revision } from './types.js';

/**
 * The deployment state machine: pending -> deployed | failed. Deployed and failed are final: a failed
 * revision is superseded by a new revision, never retried in place (history is append-only).
 */
export function nextDeploymentStatus(from: DeploymentStatus, event: DeploymentEvent): DeploymentStatus {
  if (from === 'pending') return event;
  throw new ConflictError(`The revision is already ${from}; it cannot be marked ${event}.`, {
    remedy: 'Record a new revision instead; deployed and failed revisions are final.',
    extra: { status: from, event },
  });
}

/** The current revision of a layer is the last (highest-numbered) deployed one. */
export function currentOf<R extends Pick<Revision, 'number' | 'status'>>(revisions: readonly R[]): R | null {
  let current: R | null = null;
  for (const revision of revisions) {
    if (revision.status !== 'deployed') continue;
    if (current === null || revision.number > current.number) current = revision;
  }
  return current;
}

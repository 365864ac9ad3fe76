import { nextDeploymentStatus } from '../../domain/revisions/index.js';
import type { Revision } from '../../domain/revisions/index.js';
import type { Actor } from '../../domain/roles/index.js';
import type { Instance } from '../../domain/tenancy/index.js';
import type { Repositories } from '../../store/index.js';
import { auditedBy } from '../audit.js';

/**
 * Marks a just-recorded revision deployed inside the caller's transaction, with the same state machine
 * and audit entry as `markRevisionDeployed`, so a rollout or an applied infrastructure change and its
 * revision land together (one history: the `revisions` table).
 */
export async function deployRevisionInTransaction(
  tx: Repositories,
  actor: Actor,
  instance: Instance,
  revision: Revision,
): Promise<Revision> {
  const status = nextDeploymentStatus(revision.status, 'deployed');
  const updated = await tx.revisions.setStatus(revision.id, revision.version, status);
  await tx.audit.append(
    auditedBy(actor, {
      tenantId: instance.tenantId,
      action: 'revision.deployed',
      target: `revision:${instance.id}/${revision.layer}/${revision.number}`,
      before: { status: revision.status, version: revision.version },
      after: { status: updated.status, version: updated.version },
    }),
  );
  return updated;
}

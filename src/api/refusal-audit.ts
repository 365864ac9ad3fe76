/**
 * "Every out-of-order step, wrong role, stale acceptance and concurrent request is refused with a
 * clear problem+json and leaves no trace but the audit entry of the refusal" (issue 4). The refused
 * transaction rolled back, so nothing it meant to write exists; this appends one entry saying who
 * was refused what, in a transaction of its own. Only refusals of state-changing requests by an
 * authenticated caller are recorded: bad input (400) and "not found" (404) are not refusals of a
 * step, and reads change nothing worth an entry.
 */
import type { FastifyRequest } from 'fastify';
import { isRatchetError } from '../domain/errors/index.js';
import type { Actor } from '../domain/roles/index.js';
import type { Store } from '../store/index.js';
import { auditedBy } from '../workflows/audit.js';
import { authenticatedActor } from './access.js';

const REFUSALS = new Set(['not-allowed', 'conflict', 'policy']);
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const REFUSAL_AUDIT_ACTION = 'request.refused';

export async function auditRefusal(store: Store, request: FastifyRequest, error: unknown): Promise<boolean> {
  if (!WRITES.has(request.method) || !isRatchetError(error) || !REFUSALS.has(error.kind)) return false;
  const actor = authenticatedActor<Actor>(request);
  if (actor === undefined) return false;
  await store.transaction((tx) =>
    tx.audit.append(
      auditedBy(actor, {
        tenantId: actor.tenantId,
        action: REFUSAL_AUDIT_ACTION,
        // The route template, never the concrete URL: a token pasted into a path must not be kept.
        target: `route:${request.method} ${request.routeOptions.url ?? ''}`,
        before: null,
        after: { kind: error.kind, policy: error.policy ?? null, reason: error.message },
      }),
    ),
  );
  return true;
}

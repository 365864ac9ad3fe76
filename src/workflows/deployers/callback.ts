import { verifyDeployCallback } from '../../delivery/deployers/index.js';
import { ConflictError, UnauthenticatedError } from '../../domain/errors/index.js';
import type { Store } from '../../store/index.js';
import type { ImageChangeRecord } from '../image/index.js';
import { handOffDeployment, recordDeployResult } from './handoff.js';
import { readDeployer } from './stored-config.js';

const CALLBACK_SHAPE = 'POST { instanceId, revision, status: "deployed" | "failed", reason? } as JSON';

/** Which instance claims to have signed the body: read before the signature is checked, trusted only after. */
function claimedInstance(rawBody: string): string {
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    body = null;
  }
  const instanceId = (body as { instanceId?: unknown } | null)?.instanceId;
  if (typeof instanceId === 'string' && instanceId !== '') return instanceId;
  throw new UnauthenticatedError(
    'The deploy callback names no instance, so its signature cannot be checked.',
    {
      remedy: `${CALLBACK_SHAPE}, signed with the instance's webhook deployer secret.`,
    },
  );
}

/**
 * `POST /api/v1/deployments/callback`: a webhook deploy target reports the outcome of a revision it
 * was handed. Authenticated only by the `Ratchet-Signature` HMAC over the raw body with the
 * instance's deployer secret, inside the replay window; a bad, missing or stale signature changes
 * nothing. The outcome is recorded through the same steps as `deploy confirm|fail`, and a next
 * stage (production after test) is handed to its deployer.
 */
export async function receiveDeployCallback(
  store: Store,
  headers: Record<string, string | string[] | undefined>,
  rawBody: string,
): Promise<ImageChangeRecord> {
  const instanceId = claimedInstance(rawBody);
  const { config } = await readDeployer(store.repos, store.secrets, instanceId);
  if (config.kind !== 'webhook') {
    // Same answer as a wrong signature: a caller learns nothing about which instances exist.
    throw new UnauthenticatedError('The deploy callback signature does not match.', {
      remedy: `Sign the raw body with the instance's webhook deployer secret as Ratchet-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">.`,
    });
  }
  const callback = verifyDeployCallback(config.secret, headers, rawBody, { now: store.now() });
  const handOff = await store.repos.deployers.getHandOff(instanceId, callback.revision);
  if (handOff === null || handOff.state === 'finished' || handOff.kind !== 'webhook') {
    throw new ConflictError(
      `Revision ${callback.revision} of ${instanceId} is not waiting for a deploy callback${handOff?.state === 'finished' ? ': its outcome is already recorded' : ''}.`,
      {
        remedy:
          "Report only revisions Ratchet handed to you; list the instance's image requests to see the pending one.",
        extra: { revision: callback.revision, handOff: handOff?.state ?? null },
      },
    );
  }
  const change = await recordDeployResult(
    store,
    { instanceId, revision: callback.revision },
    callback.status === 'deployed'
      ? { status: 'deployed' }
      : { status: 'failed', reason: callback.reason ?? 'the deploy target reported a failure' },
  );
  await handOffDeployment(store, change);
  return change;
}

import { InputError } from '../../domain/errors/index.js';
import { DeliveryError } from '../channels/errors.js';
import { postOnce } from '../channels/http-post.js';
import { SIGNATURE_HEADER, signWebhookBody, verifyWebhookSignature } from '../signing/signature.js';
import type { VerifyOptions } from '../signing/signature.js';
import { DeployCallback } from './schema.js';
import type { Deployer, DeployRequest, DeployResult } from './types.js';

export interface WebhookDeployerOptions {
  url: string;
  secret: string;
  timeoutMs: number;
  now?: () => Date;
}

/**
 * POSTs the revision (rendered files and metadata), signed like notifications, to a deploy target
 * that answers 2xx at once and reports the outcome later through a signed callback
 * (`verifyDeployCallback`). `Idempotency-Key: <instance>:<revision>` lets the target ignore a resend.
 */
export function createWebhookDeployer(options: WebhookDeployerOptions): Deployer {
  const now = options.now ?? (() => new Date());
  return {
    kind: 'webhook',
    async deploy(request: DeployRequest): Promise<DeployResult> {
      const body = JSON.stringify({
        instanceId: request.instanceId,
        revision: request.revision,
        files: request.files,
        metadata: request.metadata,
      });
      try {
        await postOnce({
          url: options.url,
          body,
          timeoutMs: options.timeoutMs,
          headers: {
            'idempotency-key': `${request.instanceId}:${request.revision}`,
            [SIGNATURE_HEADER.toLowerCase()]: signWebhookBody(options.secret, body, now()),
          },
        });
      } catch (error) {
        if (error instanceof DeliveryError)
          return { status: 'failed', reason: `deploy target refused: ${error.message}` };
        throw error;
      }
      return { status: 'awaiting-callback' };
    },
  };
}

function headerValue(
  headers: Record<string, string | string[] | undefined>,
  name: string,
): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted) continue;
    return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/**
 * Checks a deploy target's callback: the `Ratchet-Signature` over the raw body (throws
 * `UnauthenticatedError` when wrong or stale), then its shape (throws `InputError`). Returns the
 * outcome to record on the revision.
 *
 * @example
 * const outcome = verifyDeployCallback(secret, request.headers, rawBody);
 * if (outcome.status === 'deployed') await confirmDeployment(outcome.instanceId, outcome.revision);
 */
export function verifyDeployCallback(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  body: string,
  options: VerifyOptions = {},
): DeployCallback {
  verifyWebhookSignature(secret, headerValue(headers, SIGNATURE_HEADER), body, options);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new InputError('The deploy callback body is not JSON.', {
      remedy: 'POST { instanceId, revision, status: "deployed" | "failed", reason? } as JSON.',
    });
  }
  const parsed = DeployCallback.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'} ${issue.message}`);
    throw new InputError(`The deploy callback is malformed: ${problems.join('; ')}.`, {
      remedy: 'POST { instanceId, revision, status: "deployed" | "failed", reason? } as JSON.',
    });
  }
  return parsed.data;
}

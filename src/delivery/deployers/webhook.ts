import { InputError } from '../../domain/errors/index.js';
import { DeliveryError } from '../channels/errors.js';
import { postOnce } from '../channels/http-post.js';
import { backoffCeiling, backoffDelay } from '../worker/backoff.js';
import type { BackoffOptions } from '../worker/types.js';
import { SIGNATURE_HEADER, signWebhookBody, verifyWebhookSignature } from '../signing/signature.js';
import type { VerifyOptions } from '../signing/signature.js';
import { DeployCallback } from './schema.js';
import type { Deployer, DeployRequest, DeployResult } from './types.js';

export interface WebhookDeployerOptions {
  url: string;
  secret: string;
  timeoutMs: number;
  now?: () => Date;
  /** Sends in all, the first included, while the target is down, slow or answers 5xx/408/429. */
  attempts?: number;
  /** Delays between them (exponential with jitter, as the notification worker's). */
  backoff?: BackoffOptions;
  /** Waits between attempts (tests pass a fake). */
  sleep?: (ms: number) => Promise<void>;
}

/** Four sends over about four seconds: a restarting target is waited for, a dead one is not. */
export const WEBHOOK_DEPLOY_RETRIES = { attempts: 4, backoff: { baseMs: 500, capMs: 2_000 } } as const;

/** The longest a webhook hand-off can take: every attempt timing out, plus the waits between them. */
export function webhookDeployMaxMs(timeoutMs: number): number {
  const { attempts, backoff } = WEBHOOK_DEPLOY_RETRIES;
  let waits = 0;
  for (let attempt = 1; attempt < attempts; attempt++) waits += backoffCeiling(attempt, backoff);
  return attempts * timeoutMs + waits;
}

/**
 * POSTs the revision (rendered files and metadata), signed like notifications, to a deploy target
 * that answers 2xx at once and reports the outcome later through a signed callback
 * (`verifyDeployCallback`). `Idempotency-Key: <instance>:<revision>` lets the target ignore a resend.
 * A target that is down, slow or answers 5xx/408/429 is retried with backoff up to `attempts`; then
 * (or at once on another 4xx) the hand-off fails, which parks the stage as failed for `deploy retry`.
 */
export function createWebhookDeployer(options: WebhookDeployerOptions): Deployer {
  const now = options.now ?? (() => new Date());
  const attempts = options.attempts ?? WEBHOOK_DEPLOY_RETRIES.attempts;
  const backoff = options.backoff ?? WEBHOOK_DEPLOY_RETRIES.backoff;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  return {
    kind: 'webhook',
    async deploy(request: DeployRequest): Promise<DeployResult> {
      const body = JSON.stringify({
        instanceId: request.instanceId,
        revision: request.revision,
        files: request.files,
        metadata: request.metadata,
      });
      for (let attempt = 1; ; attempt++) {
        try {
          await postOnce({
            url: options.url,
            body,
            timeoutMs: options.timeoutMs,
            headers: {
              'idempotency-key': `${request.instanceId}:${request.revision}`,
              // Signed afresh each time: a resend must still fall inside the target's replay window.
              [SIGNATURE_HEADER.toLowerCase()]: signWebhookBody(options.secret, body, now()),
            },
          });
          return { status: 'awaiting-callback' };
        } catch (error) {
          if (!(error instanceof DeliveryError)) throw error;
          if (!error.retryable || attempt >= attempts) {
            const tries = attempt === 1 ? '' : ` (after ${String(attempt)} attempts)`;
            return { status: 'failed', reason: `deploy target refused: ${error.message}${tries}` };
          }
          await sleep(backoffDelay(attempt, backoff));
        }
      }
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

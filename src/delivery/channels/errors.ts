/**
 * A failed delivery attempt. Not a domain error: it never reaches a user as a refusal, it only tells
 * the worker whether to retry (`retryable`) or park the entry at once. Its message lands in the
 * outbox's `last_error` for the dashboard.
 */
export class DeliveryError extends Error {
  readonly retryable: boolean;
  /** The receiver's HTTP status or SMTP reply code, when it answered at all. */
  readonly status: number | undefined;

  constructor(message: string, options: { retryable: boolean; status?: number; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'DeliveryError';
    this.retryable = options.retryable;
    this.status = options.status;
  }
}

/**
 * HTTP semantics for a webhook answer: 408 and 429 say "later", any other 4xx says the request
 * itself is wrong (unknown hook, bad signature, gone) and will not improve by resending; 5xx is the
 * receiver's trouble and usually passes.
 */
export function isRetryableHttpStatus(status: number): boolean {
  if (status === 408 || status === 429) return true;
  return status >= 500;
}

import { DeliveryError, isRetryableHttpStatus } from './errors.js';

export interface HttpPost {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

/** Enough of a receiver's error page to diagnose, not the whole page. */
const ERROR_BODY_CHARS = 500;

function networkCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

/**
 * POSTs once and classifies the outcome: resolves on 2xx; throws a `DeliveryError` that is
 * retryable for 408/429/5xx, timeouts and connection errors, and permanent for other answers.
 */
export async function postOnce({
  url,
  body,
  headers,
  timeoutMs,
}: HttpPost): Promise<{ status: number; body: string }> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'user-agent': 'ratchet-delivery', ...headers },
      signal: AbortSignal.timeout(timeoutMs),
      // A redirect would resend a signed body to a URL nobody configured; ask for the final URL.
      redirect: 'manual',
    });
  } catch (error) {
    if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
      throw new DeliveryError(`${url} did not answer within ${timeoutMs} ms`, {
        retryable: true,
        cause: error,
      });
    }
    const code = networkCode(error) ?? (error instanceof Error ? error.message : String(error));
    throw new DeliveryError(`could not reach ${url}: ${code}`, { retryable: true, cause: error });
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    // Headers arrived but the body timed out or the connection dropped mid-answer.
    throw new DeliveryError(`${url} answered ${response.status} but the body was cut off`, {
      retryable: true,
      status: response.status,
      cause: error,
    });
  }
  if (response.status >= 200 && response.status < 300) return { status: response.status, body: text };
  const excerpt = text.slice(0, ERROR_BODY_CHARS).trim();
  const detail = `${url} answered HTTP ${response.status}${excerpt ? `: ${excerpt}` : ''}`;
  if (response.status >= 300 && response.status < 400) {
    throw new DeliveryError(`${detail} (a redirect; configure the final URL)`, {
      retryable: false,
      status: response.status,
    });
  }
  throw new DeliveryError(detail, {
    retryable: isRetryableHttpStatus(response.status),
    status: response.status,
  });
}

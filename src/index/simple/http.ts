import { UnavailableError } from '../../domain/errors/index.js';

/** A small counting semaphore: at most `limit` tasks run at once, the rest wait in FIFO order. */
export interface Semaphore {
  run<T>(task: () => Promise<T>): Promise<T>;
}

export function createSemaphore(limit: number): Semaphore {
  let active = 0;
  const waiting: (() => void)[] = [];
  async function run<T>(task: () => Promise<T>): Promise<T> {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active += 1;
    try {
      return await task();
    } finally {
      active -= 1;
      waiting.shift()?.();
    }
  }
  return { run };
}

export interface HttpOptions {
  readonly timeoutMs: number;
  readonly retries: number;
  readonly backoffMs: number;
  readonly semaphore: Semaphore;
}

export interface HttpResponse {
  readonly status: number;
  /** The URL after redirects: relative links on the page resolve against it. */
  readonly url: string;
  readonly contentType: string;
  readonly body: Buffer;
}

class RetryableFailure extends Error {
  /** The server's Retry-After, in seconds, when it sent one (RFC 9110: a number or an HTTP date). */
  readonly retryAfterSeconds: number | undefined;
  constructor(message: string, retryAfter: string | null = null, options?: ErrorOptions) {
    super(message, options);
    this.retryAfterSeconds = parseRetryAfter(retryAfter);
  }
}

/** The longest an index's Retry-After makes one retry wait: past it the caller hears "unavailable". */
const LONGEST_RETRY_AFTER_MS = 10_000;

export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function attempt(url: string, accept: string, options: HttpOptions): Promise<HttpResponse> {
  return options.semaphore.run(async () => {
    let response: Response;
    // One deadline for the whole exchange, body included: a server that sends headers and then
    // stalls must time out as well.
    const signal = AbortSignal.timeout(options.timeoutMs);
    try {
      response = await fetch(url, { headers: { Accept: accept }, signal, redirect: 'follow' });
      const body = Buffer.from(await response.arrayBuffer());
      const result = {
        status: response.status,
        url: response.url || url,
        contentType: response.headers.get('content-type') ?? '',
        body,
      };
      // 5xx and 429 are the server's momentary trouble: retry. Other statuses are answers.
      if (response.status >= 500 || response.status === 429) {
        throw new RetryableFailure(`HTTP ${String(response.status)}`, response.headers.get('retry-after'));
      }
      return result;
    } catch (error) {
      if (error instanceof RetryableFailure) throw error;
      if (signal.aborted)
        throw new RetryableFailure(`no answer within ${String(options.timeoutMs)} ms`, null, {
          cause: error,
        });
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new RetryableFailure(
        `network error: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
        null,
        { cause: error },
      );
    }
  });
}

/**
 * GET with a timeout per attempt and exponential backoff (`backoffMs`, then twice that, ...)
 * on network errors, timeouts, 5xx and 429; a Retry-After the index sends is waited instead when
 * it is longer (up to 10 s). 404 and other answers return at once: retrying a missing project only
 * delays the "no such project" answer. Throws `UnavailableError` (503 / exit 2) naming the URL when
 * every attempt failed, passing on the index's Retry-After: the request was fine, the index was not.
 */
export async function getWithRetry(url: string, accept: string, options: HttpOptions): Promise<HttpResponse> {
  let last: RetryableFailure | undefined;
  for (let index = 0; index <= options.retries; index += 1) {
    if (index > 0) {
      const backoff = options.backoffMs * 2 ** (index - 1);
      const asked = (last?.retryAfterSeconds ?? 0) * 1000;
      await sleep(Math.max(backoff, Math.min(asked, LONGEST_RETRY_AFTER_MS)));
    }
    try {
      return await attempt(url, accept, options);
    } catch (error) {
      if (!(error instanceof RetryableFailure)) throw error;
      last = error;
    }
  }
  const failure = last?.message ?? '';
  throw new UnavailableError(
    `The index did not answer ${url} after ${String(options.retries + 1)} attempts (${failure})`,
    {
      remedy:
        'Try again later; if it persists, check the index URL and the network, or raise the timeout and retries.',
      extra: { url, attempts: options.retries + 1, failure },
      cause: last,
      ...(last?.retryAfterSeconds !== undefined ? { retryAfterSeconds: last.retryAfterSeconds } : {}),
    },
  );
}

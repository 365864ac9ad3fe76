/**
 * The HTTP client the CLI commands use. Problems coming back from the server are turned into the
 * same domain errors the workflows throw, so `exit.ts` maps both local and remote refusals alike.
 */
import type { Command } from 'commander';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  PolicyError,
  UnauthenticatedError,
  UnavailableError,
} from '../domain/errors/index.js';
import type { RatchetError } from '../domain/errors/index.js';
import { problemKindOf } from '../api/problem-kinds.js';
import type { Problem } from '../api/problem-kinds.js';
import { parseRetryAfter } from '../index/simple/http.js';

export const DEFAULT_URL = 'http://127.0.0.1:8080';

/** The server could not be reached at all (nothing listening, DNS, TLS). */
export class ServerUnreachableError extends Error {
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super(
      `Could not reach a Ratchet server at ${url}: ${cause instanceof Error ? cause.message : String(cause)}. ` +
        'Start one with `ratchet serve`, or pass --url / set RATCHET_URL.',
    );
    this.name = 'ServerUnreachableError';
  }
}

/** The server answered with a 5xx or something that is not JSON. */
export class ServerFailedError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly problem?: Problem,
  ) {
    super(message);
    this.name = 'ServerFailedError';
  }
}

export interface ApiClientOptions {
  url: string;
  token?: string;
}

export interface RequestOptions {
  /** Sent as Idempotency-Key so a retried write is not applied twice. */
  idempotencyKey?: string;
}

export interface ApiClient {
  readonly url: string;
  get<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T>;
  post<T>(path: string, body?: unknown, options?: RequestOptions): Promise<T>;
  delete<T>(path: string): Promise<T>;
}

function errorFromProblem(problem: Problem, retryAfter: string | null): RatchetError | undefined {
  const details = {
    remedy: problem.remedy,
    policy: problem.policy,
    extra: { status: problem.status, type: problem.type, problem },
  };
  switch (problemKindOf(problem.type)) {
    case 'input':
    case 'payload-too-large':
    case 'unsupported-media-type':
      return new InputError(problem.detail, details);
    case 'unauthenticated':
      return new UnauthenticatedError(problem.detail, details);
    case 'not-allowed':
      return new NotAllowedError(problem.detail, details);
    case 'not-found':
      return new NotFoundError(problem.detail, details);
    case 'conflict':
      return new ConflictError(problem.detail, details);
    case 'policy':
      return new PolicyError(problem.detail, details);
    case 'unavailable': {
      const seconds = parseRetryAfter(retryAfter);
      return new UnavailableError(problem.detail, {
        ...details,
        ...(seconds !== undefined ? { retryAfterSeconds: seconds } : {}),
      });
    }
    default:
      return undefined;
  }
}

function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && 'type' in value && 'status' in value;
}

/** A client bound to one server and token. */
export function createApiClient(options: ApiClientOptions): ApiClient {
  let base: URL;
  try {
    base = new URL(options.url);
  } catch {
    throw new InputError(`"${options.url}" is not a URL.`, {
      remedy: 'Pass --url like http://127.0.0.1:8080.',
    });
  }

  async function request<T>(
    method: string,
    path: string,
    body?: unknown,
    extra: RequestOptions = {},
  ): Promise<T> {
    const target = new URL(path, base);
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (extra.idempotencyKey) headers['idempotency-key'] = extra.idempotencyKey;
    let response: Response;
    try {
      response = await fetch(target, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new ServerUnreachableError(base.origin, (error as { cause?: unknown }).cause ?? error);
    }
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new ServerFailedError(
        `${method} ${target.pathname} answered ${response.status} without JSON.`,
        response.status,
      );
    }
    if (response.ok) return parsed as T;
    if (isProblem(parsed)) {
      const domainError = errorFromProblem(parsed, response.headers.get('retry-after'));
      if (domainError) throw domainError;
      throw new ServerFailedError(
        parsed.detail ?? `The server answered ${response.status}.`,
        response.status,
        parsed,
      );
    }
    throw new ServerFailedError(`${method} ${target.pathname} answered ${response.status}.`, response.status);
  }

  return {
    url: base.origin,
    get: (path, query) => {
      const search = new URLSearchParams();
      for (const [key, value] of Object.entries(query ?? {})) {
        if (value !== undefined) search.set(key, String(value));
      }
      const suffix = search.size > 0 ? `?${search.toString()}` : '';
      return request('GET', `${path}${suffix}`);
    },
    post: (path, body, extra) => request('POST', path, body ?? {}, extra),
    delete: (path) => request('DELETE', path),
  };
}

/** Adds --url and --token to a command that talks to a server. */
export function withServerOptions(command: Command): Command {
  return command
    .option('--url <url>', 'Ratchet server URL (env RATCHET_URL)', process.env.RATCHET_URL ?? DEFAULT_URL)
    .option('--token <token>', 'bearer token (env RATCHET_TOKEN)');
}

/** The client for a command that was given `withServerOptions`. */
export function clientFor(command: Command): ApiClient {
  const options = command.optsWithGlobals<{ url?: string; token?: string }>();
  const token = options.token ?? process.env.RATCHET_TOKEN;
  return createApiClient({ url: options.url ?? DEFAULT_URL, ...(token ? { token } : {}) });
}

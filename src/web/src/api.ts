/**
 * The dashboard's only door to the server: same-origin fetches with the session's bearer token.
 * Errors arrive as RFC 9457 problem+json; `ApiError` keeps the problem so pages can show its
 * `detail` and `remedy` in words.
 */
import { readToken } from './session';

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  remedy?: string;
  policy?: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  constructor(status: number, problem: Problem) {
    super(problem.detail ?? problem.title ?? `The server answered ${String(status)}.`);
    this.status = status;
    this.problem = problem;
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  token?: string;
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const token = options.token ?? readToken();
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(path, { method: options.method ?? 'GET', headers, body });
  } catch {
    throw new ApiError(0, {
      title: 'Server unreachable',
      detail: 'The Ratchet server did not answer.',
      remedy: 'Check that `ratchet serve` is running and reload the page.',
    });
  }
  if (response.ok) return response;
  let problem: Problem = { status: response.status, title: response.statusText };
  try {
    problem = (await response.json()) as Problem;
  } catch {
    // Not problem+json (a proxy error page, say): keep the status line.
  }
  if (response.status === 401) window.dispatchEvent(new CustomEvent('ratchet:unauthorized'));
  throw new ApiError(response.status, problem);
}

/** JSON request to the API; throws ApiError with the server's problem on any non-2xx answer. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(path, options);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** A text download (requirements.txt, pylock.toml) fetched with the token, saved through a blob link. */
export async function download(path: string, filename: string): Promise<void> {
  const response = await send(path, {});
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Path segments are ids or `tenant/name`: always encode them. */
export function seg(value: string): string {
  return encodeURIComponent(value);
}

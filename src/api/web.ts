/**
 * Serves the dashboard (src/web, built by `npm run build:web` into src/web/dist) at `/`, on the same
 * origin as the API. Client routes answer with index.html (SPA fallback); assets are files from
 * dist/. The HTML carries a strict Content-Security-Policy: scripts and styles from this origin only.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../web/dist/', import.meta.url));

// No inline script or style, no third parties, not frameable.
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Paths the dashboard's router owns; the server answers them with index.html. */
export const CLIENT_ROUTES = [
  '/',
  '/fleet',
  '/policy',
  '/defects',
  '/infrastructure-changes',
  '/rollback-requests',
  '/rollback-requests/*',
  '/upgrades',
  '/upgrades/*',
  '/instances/*',
];

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};

export interface DashboardOptions {
  /** The built dashboard folder; defaults to src/web/dist. */
  root?: string;
  /** Served at `/` when the dashboard was not built. */
  fallbackHtml: string;
}

function securityHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', DASHBOARD_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY');
}

/** Answers a request with the dashboard's page (its router shows what belongs at the URL). */
export type SendDashboardPage = (reply: FastifyReply) => FastifyReply;

/**
 * A browser navigating to a URL no route serves: a GET or HEAD that asks for HTML, outside the API.
 * It gets the dashboard's own "Page not found" (with status 404); API clients keep problem+json.
 */
export function isBrowserNavigation(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const path = request.url.split('?')[0]!;
  if (path.startsWith('/api/') || path === '/openapi.json') return false;
  return (request.headers.accept ?? '').includes('text/html');
}

export function registerDashboard(app: FastifyInstance, options: DashboardOptions): SendDashboardPage {
  const root = resolve(options.root ?? DEFAULT_WEB_ROOT);
  const route = { config: { public: true }, schema: { hide: true } } as const;
  const sendPage: SendDashboardPage = (reply) => {
    const index = resolve(root, 'index.html');
    // Read per request: a rebuilt dashboard is served without restarting the server.
    const html = existsSync(index) ? readFileSync(index, 'utf8') : options.fallbackHtml;
    return securityHeaders(reply)
      .header('cache-control', 'no-cache')
      .type('text/html; charset=utf-8')
      .send(html);
  };

  for (const path of CLIENT_ROUTES) {
    app.get(path, route, async (_request, reply) => sendPage(reply));
  }

  const sendFile = async (relative: string, reply: FastifyReply, immutable: boolean) => {
    const file = resolve(root, relative);
    // Never leave the dashboard folder (`..`, encoded or not).
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
      return reply.callNotFound();
    }
    return securityHeaders(reply)
      .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .type(CONTENT_TYPES[extname(file)] ?? 'application/octet-stream')
      .send(readFileSync(file));
  };
  app.get('/assets/*', route, async (request, reply) =>
    sendFile(`assets/${(request.params as { '*': string })['*']}`, reply, true),
  );
  app.get('/favicon.svg', route, async (_request, reply) => sendFile('favicon.svg', reply, false));
  return sendPage;
}

import Fastify from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { authenticateToken } from '../workflows/index.js';
import { ROLES } from '../domain/roles/index.js';
import type { Actor } from '../domain/roles/index.js';
import { authFailureLog } from '../store/index.js';
import type { Store } from '../store/index.js';
import { actorOf, installAccessControl } from './access.js';
import { installIdempotency } from './idempotency.js';
import { installInputGuard } from './input-guard.js';
import type { IdempotencyStore } from './idempotency.js';
import { createLogger } from './logger.js';
import { createHttpMetrics, instrumentHttp } from './metrics.js';
import { registerOpenApi } from './openapi.js';
import { makeProblem, sendProblem, toProblem } from './problem.js';
import { createQuotas, installReportQuota, quotasFromEnv } from './quotas.js';
import type { QuotaConfig } from './quotas.js';
import { auditRefusal } from './refusal-audit.js';
import { registerRoutes } from './routes/index.js';
import { storeIdempotency } from './store-idempotency.js';
import { isBrowserNavigation, registerDashboard } from './web.js';

export const API_VERSION = '0.1.0';
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export interface ServerOptions {
  store: Store;
  /** A pino logger (see `createLogger`), or false for none. Defaults to JSON lines on stdout. */
  logger?: Logger | false;
  /** Largest accepted request body in bytes; larger bodies get a 413 problem. Default 1 MiB. */
  bodyLimit?: number;
  /** Where Idempotency-Key responses are kept; defaults to the store's table. */
  idempotency?: IdempotencyStore;
  /** Ingestion and report quotas; defaults to the RATCHET_INGEST_* and RATCHET_REPORTS_PER_MIN variables. */
  quotas?: QuotaConfig;
  /** The built dashboard folder (default src/web/dist); without a build `/` serves a landing page. */
  webRoot?: string;
}

/**
 * Builds the API server, ready to `listen` or `inject`. Fails fast on wrong options.
 *
 * @example
 * const app = await buildServer({ store });
 * await app.listen({ port: 8080, host: '127.0.0.1' });
 */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  if (options?.store === undefined || options.store === null) {
    throw new TypeError('buildServer needs { store }: open one with openStore({ dataDir }) from src/store.');
  }
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  if (!Number.isInteger(bodyLimit) || bodyLimit <= 0) {
    throw new TypeError(
      `buildServer needs { bodyLimit } as a positive number of bytes, got ${String(bodyLimit)}.`,
    );
  }
  const { store } = options;
  // Typed as Fastify's own logger interface (pino's Logger is one), so the server is a plain FastifyInstance.
  const logger: FastifyBaseLogger | false =
    options.logger === false ? false : (options.logger ?? createLogger());

  const app: FastifyInstance = Fastify({
    ...(logger === false ? { logger: false } : { loggerInstance: logger }),
    bodyLimit,
    // Request ids in logs let support correlate a user's problem `instance` with the log line.
    requestIdHeader: 'x-request-id',
    // A malformed %-escape (400) or an overlong path parameter (414) is refused by the router before
    // the error handler exists; without this Fastify answers plain JSON instead of problem+json.
    frameworkErrors: (error, request, reply) => {
      const { problem, headers } = toProblem(error, request.url);
      return sendProblem(reply, problem, headers);
    },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.setErrorHandler(async (error, request, reply) => {
    const { problem, unexpected, headers } = toProblem(error, request.url);
    if (unexpected) request.log.error({ err: error }, 'unexpected error');
    else request.log.info({ problem: problem.type, status: problem.status }, problem.detail);
    // The refusal is answered even if its audit entry cannot be written (the log still has it).
    await auditRefusal(store, request, error).catch((auditError: unknown) =>
      request.log.warn({ err: auditError }, 'refusal not audited'),
    );
    return sendProblem(reply, problem, headers);
  });
  app.setNotFoundHandler((request, reply) => {
    if (isBrowserNavigation(request)) return sendDashboardPage(reply.code(404));
    const problem = makeProblem(
      'not-found',
      `No route ${request.method} ${request.url.split('?')[0]}.`,
      request.url,
      {
        remedy: 'See /openapi.json for the routes this server offers.',
      },
    );
    return sendProblem(reply, problem);
  });

  const metrics = createHttpMetrics();
  instrumentHttp(app, metrics);
  installAccessControl<Actor>(app, {
    authenticate: (token) => authenticateToken(store, token),
    knownRoles: ROLES,
    sharedFailures: authFailureLog(store.db),
  });
  // Before idempotency: its key is a header that reaches the store.
  installInputGuard(app);
  // Before the idempotency hook too: a request refused by its quota never reserves its key.
  const quotas = createQuotas(options.quotas ?? quotasFromEnv());
  installReportQuota(app, quotas);
  installIdempotency(app, {
    store: options.idempotency ?? storeIdempotency(store),
    actorIdOf: (request) => (request.routeOptions.config.roles ? actorOf<Actor>(request).userId : undefined),
  });
  await registerOpenApi(app, API_VERSION);

  app.get('/healthz', { config: { public: true }, schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
    try {
      await store.ping();
      return { status: 'ready' };
    } catch (error) {
      request.log.warn({ err: error }, 'database not reachable');
      return sendProblem(reply, makeProblem('unavailable', 'The database is not reachable.', request.url));
    }
  });
  // The dashboard at `/` (and its client routes); the landing page when it was not built.
  const sendDashboardPage = registerDashboard(app, {
    fallbackHtml: LANDING_PAGE,
    ...(options.webRoot ? { root: options.webRoot } : {}),
  });

  await registerRoutes(app, { store, quotas });
  await app.ready();
  return app;
}

export interface StartOptions extends ServerOptions {
  port?: number;
  host?: string;
}

/** Builds and listens; resolves with the server and the URL it answers on. */
export async function startServer(options: StartOptions): Promise<{ app: FastifyInstance; url: string }> {
  const app = await buildServer(options);
  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 8080, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return { app, url: `http://${shownHost}:${String(port)}` };
}

// When the dashboard was not built (`npm run build:web`), `/` says where the surfaces are.
const LANDING_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Ratchet</title></head>
<body>
<h1>Ratchet</h1>
<p>Change control for managed dbt + Airflow platforms.</p>
<ul>
<li>Dashboard: not built; run <code>npm run build:web</code> and reload.</li>
<li>REST API: <code>/api/v1/...</code> with <code>Authorization: Bearer &lt;token&gt;</code></li>
<li>OpenAPI 3.1 document: <a href="/openapi.json">/openapi.json</a></li>
<li>Health: <a href="/healthz">/healthz</a>, readiness: <a href="/readyz">/readyz</a>, metrics: <a href="/metrics">/metrics</a></li>
</ul>
</body></html>
`;

/**
 * Who may call what. Every route under /api declares its audience in `config` (`roles` or
 * `public`), and one hook enforces it, so the authorization matrix can be read off the route table
 * and the matrix test can prove no route ships unguarded. The workflows enforce again (tenancy,
 * ownership); this layer refuses early and cheaply.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NotAllowedError, UnauthenticatedError } from '../domain/errors/index.js';
import { makeProblem, sendProblem } from './problem.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Roles that may call this route; checked before the body is even parsed. */
    roles?: readonly string[];
    /** True for routes anyone may call without a token (health, OpenAPI, login-free pages). */
    public?: boolean;
  }
}

export interface AccessOptions<A extends { role: string }> {
  /** Resolves a bearer token to its actor; throws UnauthenticatedError for unknown/expired/revoked. */
  authenticate: (token: string) => Promise<A>;
  /** Every role the product knows: a route naming another role is a typo and fails at startup. */
  knownRoles: readonly string[];
  /** Failed authentications tolerated per client IP; false turns the limit off. Default 20 per minute. */
  authFailureLimit?: AuthFailureLimit | false;
  /**
   * Where failures are counted across servers (the store's `auth_failures` table). Without it the
   * limit is this process's alone.
   */
  sharedFailures?: SharedFailureLog;
}

/** A fleet-wide failure log: records one failure, answers the address's failure times in the window. */
export interface SharedFailureLog {
  record(clientIp: string, now: number, windowMs: number): Promise<number[]>;
}

export interface AuthFailureLimit {
  maxFailures: number;
  windowMs: number;
}

export const DEFAULT_AUTH_FAILURE_LIMIT: AuthFailureLimit = { maxFailures: 20, windowMs: 60_000 };
// Bounds the limiter's memory under a spray of source addresses.
const MAX_TRACKED_CLIENTS = 10_000;

/**
 * A per-IP sliding window of failed authentications. Token guessing is hopeless against 256-bit
 * secrets, but a limit keeps a prober from hammering the token table and the logs. Only requests
 * that PRESENT a credential and fail count; a missing header is a plain 401.
 *
 * With a shared log every failure is written there and the address's fleet-wide failure times
 * replace the local ones, so the check on each request stays a memory lookup: an address that
 * went over the limit on other servers is stopped here at its first failure here, and the fleet
 * admits at most `maxFailures` plus one per server within a window.
 */
function createFailureLimiter(
  limit: AuthFailureLimit,
  shared: SharedFailureLog | undefined,
): {
  blockedFor(ip: string, now: number): number;
  fail(ip: string, now: number): Promise<void>;
} {
  const failures = new Map<string, number[]>();
  function recent(ip: string, now: number): number[] {
    const kept = (failures.get(ip) ?? []).filter((at) => now - at < limit.windowMs);
    if (kept.length === 0) failures.delete(ip);
    else failures.set(ip, kept);
    return kept;
  }
  function remember(ip: string, now: number, times: number[]): void {
    if (failures.size >= MAX_TRACKED_CLIENTS && !failures.has(ip)) {
      for (const key of failures.keys()) if (recent(key, now).length === 0) failures.delete(key);
      if (failures.size >= MAX_TRACKED_CLIENTS) failures.delete(failures.keys().next().value!);
    }
    failures.set(ip, times);
  }
  return {
    /** Milliseconds until this IP may try again; 0 when it may now. */
    blockedFor(ip, now) {
      const kept = recent(ip, now);
      return kept.length >= limit.maxFailures ? limit.windowMs - (now - kept[0]!) : 0;
    },
    async fail(ip, now) {
      const local = [...recent(ip, now), now];
      if (shared === undefined) return remember(ip, now, local);
      try {
        const fleet = await shared.record(ip, now, limit.windowMs);
        remember(ip, now, fleet.length >= local.length ? fleet : local);
      } catch {
        // The database is the limit's memory, not its condition: without it, count here.
        remember(ip, now, local);
      }
    },
  };
}

const actors = new WeakMap<FastifyRequest, unknown>();

/** The caller, once authenticated (even when its role is then refused), or undefined. */
export function authenticatedActor<A>(request: FastifyRequest): A | undefined {
  return actors.get(request) as A | undefined;
}

/** The authenticated actor of a request; routes with `roles` always have one. */
export function actorOf<A>(request: FastifyRequest): A {
  const actor = actors.get(request);
  if (actor === undefined) throw new UnauthenticatedError('This request carries no authenticated actor.');
  return actor as A;
}

function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const remedy = 'Send "Authorization: Bearer <token>"; `ratchet serve` prints the first admin token.';
  if (header === undefined || header === '') {
    throw new UnauthenticatedError('No credentials were sent.', { remedy });
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new UnauthenticatedError('The Authorization header is not a bearer token.', { remedy });
  return match[1]!;
}

/**
 * Installs the access check. Call before registering routes: it also inspects each route as it is
 * added and refuses to start a server with an /api route that declares no audience.
 */
export function installAccessControl<A extends { role: string }>(
  app: FastifyInstance,
  options: AccessOptions<A>,
): void {
  if (typeof options?.authenticate !== 'function') {
    throw new TypeError('installAccessControl needs { authenticate: (token) => Promise<Actor> }.');
  }
  if (!Array.isArray(options.knownRoles) || options.knownRoles.length === 0) {
    throw new TypeError('installAccessControl needs { knownRoles: [...] }, the roles routes may name.');
  }
  const known = new Set(options.knownRoles);
  const failureLimit = options.authFailureLimit ?? DEFAULT_AUTH_FAILURE_LIMIT;
  if (
    failureLimit !== false &&
    !(
      Number.isInteger(failureLimit.maxFailures) &&
      failureLimit.maxFailures > 0 &&
      Number.isInteger(failureLimit.windowMs) &&
      failureLimit.windowMs > 0
    )
  ) {
    throw new TypeError(
      'installAccessControl needs { authFailureLimit: { maxFailures, windowMs } } as positive integers, or false.',
    );
  }
  const limiter = failureLimit === false ? null : createFailureLimiter(failureLimit, options.sharedFailures);

  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return;
    const config = route.config ?? {};
    if (config.public === true) return;
    const roles = config.roles;
    if (!Array.isArray(roles) || roles.length === 0) {
      throw new Error(
        `Route ${String(route.method)} ${route.url} declares no audience: pass config: { roles: [...] } or { public: true }.`,
      );
    }
    const unknown = roles.filter((role) => !known.has(role));
    if (unknown.length > 0) {
      throw new Error(
        `Route ${String(route.method)} ${route.url} names unknown roles: ${unknown.join(', ')}.`,
      );
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    const config = request.routeOptions.config;
    const roles = config.roles;
    if (config.public === true || roles === undefined) return;
    const presented = request.headers.authorization !== undefined && request.headers.authorization !== '';
    const waitMs = presented && limiter ? limiter.blockedFor(request.ip, Date.now()) : 0;
    if (waitMs > 0) {
      const seconds = Math.max(1, Math.ceil(waitMs / 1000));
      const problem = makeProblem(
        'too-many-requests',
        'Too many failed authentication attempts from this address.',
        request.url,
        { remedy: `Wait ${String(seconds)} s, then retry with a valid token.` },
      );
      return sendProblem(reply, problem, { 'retry-after': String(seconds) });
    }
    let actor: A;
    try {
      actor = await options.authenticate(bearerToken(request));
    } catch (error) {
      if (presented && limiter && error instanceof UnauthenticatedError)
        await limiter.fail(request.ip, Date.now());
      throw error;
    }
    // Known before the role check: a refusal for the wrong role is audited under the caller's name.
    actors.set(request, actor);
    if (!roles.includes(actor.role)) {
      // A sentence about the operation and the role it needs, with the path as called: a route
      // template ("/instances/:instanceId/...") means nothing to a CLI or dashboard user.
      const operation = operationName(request.routeOptions.schema?.summary);
      const path = request.url.split('?')[0] ?? request.url;
      const needed = roles.join(' or ');
      throw new NotAllowedError(
        `Only a ${needed} may do this (${operation !== undefined ? `"${operation}", ` : ''}${request.method} ${path}); you are signed in as ${actor.role}.`,
        {
          remedy: `Ask a ${needed} to do it, or use a token of that role.`,
          extra: { allowedRoles: roles },
        },
      );
    }
  });
}

/** "Request a rollback" from the operation's OpenAPI summary, without an aside after "(" or ";". */
function operationName(summary: unknown): string | undefined {
  if (typeof summary !== 'string' || summary === '') return undefined;
  return summary.split(/ \(|;/)[0]!.trim();
}

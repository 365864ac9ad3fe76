/**
 * Who may call what. Every route under /api declares its audience in `config` (`roles` or
 * `public`), and one hook enforces it, so the authorization matrix can be read off the route table
 * and the matrix test can prove no route ships unguarded. The workflows enforce again (tenancy,
 * ownership); this layer refuses early and cheaply.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NotAllowedError, UnauthenticatedError } from '../domain/errors/index.js';

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
}

const actors = new WeakMap<FastifyRequest, unknown>();

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

  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    const roles = config.roles;
    if (config.public === true || roles === undefined) return;
    const actor = await options.authenticate(bearerToken(request));
    if (!roles.includes(actor.role)) {
      throw new NotAllowedError(
        `The role ${actor.role} may not call ${request.method} ${request.routeOptions.url}.`,
        {
          remedy: `Ask someone with one of these roles: ${roles.join(', ')}.`,
          extra: { allowedRoles: roles },
        },
      );
    }
    actors.set(request, actor);
  });
}

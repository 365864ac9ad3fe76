import { z } from 'zod';
import { PERMISSIONS, ROLES } from '../../domain/roles/index.js';
import type { Actor } from '../../domain/roles/index.js';
import {
  createUser,
  actionRights,
  imageRequestRights,
  issueToken,
  listAudit,
  revokeToken,
  verifyAudit,
} from '../../workflows/index.js';
import { actorOf } from '../access.js';
import {
  AuditEntryBody,
  AuditQuery,
  AuditVerification,
  CreateUserRequest,
  IssueTokenRequest,
  TokenInfoBody,
  TokenParams,
  UserBody,
} from '../schema.js';
import { MeAnswerBody } from '../responses/index.js';
import { problems } from './problems.js';
import type { RouteDeps, TypedApp } from './types.js';

/** Users, tokens, the caller itself, and the audit log. */
export function accessAdminRoutes(app: TypedApp, { store }: RouteDeps): void {
  app.get(
    '/api/v1/me',
    {
      config: { roles: ROLES },
      schema: {
        summary: 'Who the bearer token belongs to, and which image changes and other actions they may take',
        tags: ['users'],
        response: {
          200: MeAnswerBody,
          ...problems(),
        },
      },
    },
    async (request) => {
      const actor = actorOf<Actor>(request);
      return { ...actor, mayRequest: imageRequestRights(actor), may: actionRights(actor) };
    },
  );

  app.post(
    '/api/v1/users',
    {
      config: { roles: PERMISSIONS['user.create'] },
      schema: {
        summary: 'Create a user; customer admins create users of their own tenant only',
        description:
          'The email is stored trimmed and lower-case and is unique within the tenant (provider users: among ' +
          'provider users); another tenant may hold the same address. 409 when the tenant already has it.',
        tags: ['users'],
        body: CreateUserRequest,
        response: { 201: UserBody, ...problems(403, 404, 409, 413, 415) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createUser(store, actorOf<Actor>(request), request.body)),
  );

  app.post(
    '/api/v1/tokens',
    {
      config: { roles: PERMISSIONS['token.create'] },
      schema: {
        summary: 'Issue a bearer token for a user; the secret is shown in this response only',
        tags: ['users'],
        body: IssueTokenRequest,
        response: {
          201: z.object({ token: z.string(), info: TokenInfoBody }),
          ...problems(403, 404, 413, 415),
        },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await issueToken(store, actorOf<Actor>(request), request.body)),
  );

  app.delete(
    '/api/v1/tokens/:id',
    {
      config: { roles: PERMISSIONS['token.revoke'] },
      schema: {
        summary: 'Revoke a token; it stops working immediately',
        tags: ['users'],
        params: TokenParams,
        response: { 200: TokenInfoBody, ...problems(403, 404, 409) },
      },
    },
    async (request) => revokeToken(store, actorOf<Actor>(request), { tokenId: request.params.id }),
  );

  app.get(
    '/api/v1/audit',
    {
      config: { roles: PERMISSIONS['audit.read'] },
      schema: {
        summary: 'The append-only, hash-chained audit log, in order',
        tags: ['audit'],
        querystring: AuditQuery,
        response: { 200: z.object({ entries: z.array(AuditEntryBody) }), ...problems(403) },
      },
    },
    async (request) => ({ entries: await listAudit(store, actorOf<Actor>(request), request.query) }),
  );

  app.post(
    '/api/v1/audit/verify',
    {
      config: { roles: PERMISSIONS['audit.verify'] },
      schema: {
        summary: 'Recompute the audit hash chain; ok:false names the first broken entry',
        tags: ['audit'],
        response: { 200: AuditVerification, ...problems(403) },
      },
    },
    async (request) => verifyAudit(store, actorOf<Actor>(request)),
  );
}

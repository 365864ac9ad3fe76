import { z } from 'zod';
import { PERMISSIONS } from '../../domain/roles/index.js';
import type { Actor } from '../../domain/roles/index.js';
import {
  createInstance,
  createTenant,
  getTenant,
  listInstances,
  listTenants,
} from '../../workflows/index.js';
import { actorOf } from '../access.js';
import {
  CreateInstanceRequest,
  CreateTenantRequest,
  InstanceBody,
  TenantBody,
  TenantParams,
} from '../schema.js';
import { problems } from './problems.js';
import type { RouteDeps, TypedApp } from './types.js';

export function tenantRoutes(app: TypedApp, { store }: RouteDeps): void {
  app.get(
    '/api/v1/tenants',
    {
      config: { roles: PERMISSIONS['tenant.read'] },
      schema: {
        summary: 'List the tenants the caller may see',
        tags: ['tenants'],
        response: { 200: z.object({ tenants: z.array(TenantBody) }), ...problems(403) },
      },
    },
    async (request) => ({ tenants: await listTenants(store, actorOf<Actor>(request)) }),
  );

  app.post(
    '/api/v1/tenants',
    {
      config: { roles: PERMISSIONS['tenant.create'] },
      schema: {
        summary: 'Create a tenant (a customer organisation)',
        tags: ['tenants'],
        body: CreateTenantRequest,
        response: { 201: TenantBody, ...problems(403, 409, 413, 415) },
      },
    },
    async (request, reply) => {
      const tenant = await createTenant(store, actorOf<Actor>(request), request.body);
      return reply.code(201).send(tenant);
    },
  );

  app.get(
    '/api/v1/tenants/:tenantId',
    {
      config: { roles: PERMISSIONS['tenant.read'] },
      schema: {
        summary: 'One tenant, by id or slug',
        tags: ['tenants'],
        params: TenantParams,
        response: { 200: TenantBody, ...problems(403, 404) },
      },
    },
    async (request) => getTenant(store, actorOf<Actor>(request), request.params.tenantId),
  );

  app.get(
    '/api/v1/tenants/:tenantId/instances',
    {
      config: { roles: PERMISSIONS['instance.read'] },
      schema: {
        summary: "A tenant's instances",
        tags: ['instances'],
        params: TenantParams,
        response: { 200: z.object({ instances: z.array(InstanceBody) }), ...problems(403, 404) },
      },
    },
    async (request) => ({
      instances: await listInstances(store, actorOf<Actor>(request), { tenant: request.params.tenantId }),
    }),
  );

  app.post(
    '/api/v1/tenants/:tenantId/instances',
    {
      config: { roles: PERMISSIONS['instance.create'] },
      schema: {
        summary: 'Create an instance (a test or production environment) of a tenant',
        tags: ['instances'],
        params: TenantParams,
        body: CreateInstanceRequest,
        response: { 201: InstanceBody, ...problems(403, 404, 409, 413, 415) },
      },
    },
    async (request, reply) => {
      const instance = await createInstance(store, actorOf<Actor>(request), {
        ...request.body,
        tenant: request.params.tenantId,
      });
      return reply.code(201).send(instance);
    },
  );
}

import { z } from 'zod';
import { PERMISSIONS } from '../../domain/roles/index.js';
import type { Actor } from '../../domain/roles/index.js';
import {
  applyInfrastructureChange,
  attemptInfrastructureUndo,
  getInfrastructureChange,
  listInfrastructureChanges,
  ListInfrastructureChangesInput,
  planInfrastructureChange,
  PlanInfrastructureChangeInput,
  signoffInfrastructureChange,
} from '../../workflows/index.js';
import { actorOf } from '../access.js';
import { problems } from './problems.js';
import type { RouteDeps, TypedApp } from './types.js';

export const InfrastructureChangeBody = z
  .object({
    id: z.string(),
    tenantId: z.string(),
    title: z.string(),
    why: z.string(),
    changes: z.record(z.string(), z.unknown()),
    risk: z.enum(['low', 'medium', 'high']),
    windowStart: z.string(),
    windowEnd: z.string(),
    instanceIds: z.array(z.string()),
    state: z.enum(['planned', 'applied']),
    plannedBy: z.string(),
    appliedBy: z.string().nullable(),
    appliedAt: z.string().nullable(),
    signoffs: z.array(
      z.object({
        userId: z.string(),
        userName: z.string(),
        party: z.enum(['provider', 'customer']),
        role: z.string(),
        note: z.string(),
        createdAt: z.string(),
      }),
    ),
    testedBy: z.object({ provider: z.boolean(), customer: z.boolean() }),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number(),
  })
  .meta({ id: 'InfrastructureChange' });

const ChangeParams = z.object({ id: z.string().min(1) });

export function infrastructureRoutes(app: TypedApp, { store }: RouteDeps): void {
  app.get(
    '/api/v1/infrastructure/changes',
    {
      config: { roles: PERMISSIONS['infrastructure.change.read'] },
      schema: {
        summary: 'Infrastructure changes you may see, by window',
        tags: ['infrastructure'],
        querystring: ListInfrastructureChangesInput,
        response: { 200: z.object({ changes: z.array(InfrastructureChangeBody) }), ...problems(403, 404) },
      },
    },
    async (request) => ({
      changes: await listInfrastructureChanges(store, actorOf<Actor>(request), request.query),
    }),
  );

  app.post(
    '/api/v1/infrastructure/changes',
    {
      config: { roles: PERMISSIONS['infrastructure.change.plan'] },
      schema: {
        summary: 'Plan an infrastructure change and invite the customer to test it',
        description: 'Overlapping windows on the same instance are a 409.',
        tags: ['infrastructure'],
        body: PlanInfrastructureChangeInput,
        response: { 201: InfrastructureChangeBody, ...problems(403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await planInfrastructureChange(store, actorOf<Actor>(request), request.body)),
  );

  app.get(
    '/api/v1/infrastructure/changes/:id',
    {
      config: { roles: PERMISSIONS['infrastructure.change.read'] },
      schema: {
        summary: 'One infrastructure change with its sign-offs',
        tags: ['infrastructure'],
        params: ChangeParams,
        response: { 200: InfrastructureChangeBody, ...problems(403, 404) },
      },
    },
    async (request) => getInfrastructureChange(store, actorOf<Actor>(request), request.params.id),
  );

  app.post(
    '/api/v1/infrastructure/changes/:id/signoffs',
    {
      config: { roles: PERMISSIONS['infrastructure.change.signoff'] },
      schema: {
        summary: "Record your party's testing sign-off (nobody signs off their own change)",
        tags: ['infrastructure'],
        params: ChangeParams,
        body: z.object({ note: z.string().max(4000).optional() }).optional(),
        response: { 201: InfrastructureChangeBody, ...problems(403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(
        await signoffInfrastructureChange(store, actorOf<Actor>(request), {
          change: request.params.id,
          ...(request.body?.note !== undefined ? { note: request.body.note } : {}),
        }),
      ),
  );

  app.post(
    '/api/v1/infrastructure/changes/:id/apply',
    {
      config: { roles: PERMISSIONS['infrastructure.change.apply'] },
      schema: {
        summary: 'Apply a change both parties signed off; it cannot be undone',
        description:
          'Needs `acknowledgeIrreversible: true` (else 400), a provider and a customer sign-off (else 409), and the ' +
          'planned window (else 409, unless a provider-admin sends `override: { reason }`, audited). ' +
          'Records an infrastructure revision on every affected instance.',
        tags: ['infrastructure'],
        params: ChangeParams,
        body: z
          .object({
            acknowledgeIrreversible: z.boolean().optional(),
            override: z.object({ reason: z.string() }).optional(),
          })
          .optional(),
        response: { 200: InfrastructureChangeBody, ...problems(403, 404, 409) },
      },
    },
    async (request) =>
      applyInfrastructureChange(store, actorOf<Actor>(request), {
        change: request.params.id,
        ...(request.body?.acknowledgeIrreversible !== undefined
          ? { acknowledgeIrreversible: request.body.acknowledgeIrreversible }
          : {}),
        ...(request.body?.override !== undefined ? { override: request.body.override } : {}),
      }),
  );

  app.post(
    '/api/v1/infrastructure/changes/:id/undo',
    {
      config: { roles: PERMISSIONS['rollback.attempt'] },
      schema: {
        summary: 'Ask to undo a change: always refused, an applied change is final',
        description:
          'Answers 409 with the policy ("Once an infrastructure upgrade is applied, it cannot be undone.") and the way forward: plan a new change.',
        tags: ['infrastructure'],
        params: ChangeParams,
        response: problems(403, 404, 409),
      },
    },
    async (request) => {
      await attemptInfrastructureUndo(store, actorOf<Actor>(request), { change: request.params.id });
      throw new Error('attemptInfrastructureUndo returned instead of refusing');
    },
  );
}

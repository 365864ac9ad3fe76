import { z } from 'zod';
import { PERMISSIONS } from '../../domain/roles/index.js';
import type { Actor } from '../../domain/roles/index.js';
import {
  attemptRollback,
  getInstance,
  listInstances,
  listRevisions,
  markRevisionDeployed,
  markRevisionFailed,
  recordDirectRevision,
} from '../../workflows/index.js';
import { actorOf } from '../access.js';
import {
  InstanceBody,
  InstanceParams,
  InstancesQuery,
  LayerParams,
  ListedRevisionBody,
  MarkRevisionRequest,
  RecordRevisionRequest,
  RevisionBody,
  RevisionParams,
  RollbackRequest,
} from '../schema.js';
import { problems } from './problems.js';
import type { RouteDeps, TypedApp } from './types.js';

export function instanceRoutes(app: TypedApp, { store }: RouteDeps): void {
  app.get(
    '/api/v1/instances',
    {
      config: { roles: PERMISSIONS['instance.read'] },
      schema: {
        summary: 'Instances the caller may see, optionally of one tenant',
        tags: ['instances'],
        querystring: InstancesQuery,
        response: { 200: z.object({ instances: z.array(InstanceBody) }), ...problems(403, 404) },
      },
    },
    async (request) => ({
      instances: await listInstances(store, actorOf<Actor>(request), request.query),
    }),
  );

  app.get(
    '/api/v1/instances/:instanceId',
    {
      config: { roles: PERMISSIONS['instance.read'] },
      schema: {
        summary: 'One instance, by id, name or tenant-slug/name',
        tags: ['instances'],
        params: InstanceParams,
        response: { 200: InstanceBody, ...problems(403, 404) },
      },
    },
    async (request) => getInstance(store, actorOf<Actor>(request), request.params.instanceId),
  );

  app.get(
    '/api/v1/instances/:instanceId/layers/:layer/revisions',
    {
      config: { roles: PERMISSIONS['revision.read'] },
      schema: {
        summary: "A layer's revisions, oldest first, each with who recorded it (id, role and name)",
        tags: ['revisions'],
        params: LayerParams,
        response: { 200: z.object({ revisions: z.array(ListedRevisionBody) }), ...problems(403, 404) },
      },
    },
    async (request) => ({
      revisions: await listRevisions(store, actorOf<Actor>(request), {
        instance: request.params.instanceId,
        layer: request.params.layer,
      }),
    }),
  );

  app.post(
    '/api/v1/instances/:instanceId/layers/:layer/revisions',
    {
      // The workflow refines by layer; today every layer's revisions are recorded by the provider.
      config: { roles: PERMISSIONS['revision.record.image'] },
      schema: {
        summary: 'Record a new revision of a layer (forward only)',
        description:
          '`expectedRevision` is the latest revision number the caller saw (0 for none); a stale number is a 409. ' +
          'Platform versions must increase; image revisions may not restore older pins (409 policy problems). ' +
          "Platform and infrastructure revisions are recorded here only as the instance's first (onboarding: what it already runs); " +
          'later ones come from a platform release rollout or an applied infrastructure change (409 `platform-via-release` / `infrastructure-tested-by-both`).',
        tags: ['revisions'],
        params: LayerParams,
        body: RecordRevisionRequest,
        response: { 201: RevisionBody, ...problems(403, 404, 409, 413, 415) },
      },
    },
    async (request, reply) => {
      const revision = await recordDirectRevision(store, actorOf<Actor>(request), {
        instance: request.params.instanceId,
        layer: request.params.layer,
        content: request.body.content,
        reason: request.body.reason,
        expectedRevision: request.body.expectedRevision,
      });
      return reply.code(201).send(revision);
    },
  );

  for (const outcome of ['deployed', 'failed'] as const) {
    app.post(
      `/api/v1/instances/:instanceId/layers/:layer/revisions/:number/${outcome}`,
      {
        config: { roles: PERMISSIONS['revision.deploy'] },
        schema: {
          summary: `The deployer reports the revision ${outcome}`,
          tags: ['revisions'],
          params: RevisionParams,
          body: MarkRevisionRequest.optional(),
          response: { 200: RevisionBody, ...problems(403, 404, 409) },
        },
      },
      async (request) => {
        const input = {
          instance: request.params.instanceId,
          layer: request.params.layer,
          number: request.params.number,
          ...(request.body?.expectedVersion !== undefined
            ? { expectedVersion: request.body.expectedVersion }
            : {}),
        };
        const actor = actorOf<Actor>(request);
        return outcome === 'deployed'
          ? markRevisionDeployed(store, actor, input)
          : markRevisionFailed(store, actor, input);
      },
    );
  }

  app.post(
    '/api/v1/instances/:instanceId/layers/:layer/rollback',
    {
      config: { roles: PERMISSIONS['rollback.attempt'] },
      schema: {
        summary: 'Ask to roll a layer back: always answered by the rollback policy',
        description:
          'Infrastructure and platform can never go back (409 policy problem with the reason and what to do ' +
          'instead). An image goes back only through the reviewed rollback-request workflow.',
        tags: ['revisions'],
        params: LayerParams,
        body: RollbackRequest,
        response: problems(403, 404, 409),
      },
    },
    async (request) => {
      await attemptRollback(store, actorOf<Actor>(request), {
        instance: request.params.instanceId,
        layer: request.params.layer,
        toRevision: request.body.toRevision,
      });
      // attemptRollback answers with a PolicyError for every layer; reaching here is a bug.
      throw new Error('attemptRollback returned instead of refusing');
    },
  );
}

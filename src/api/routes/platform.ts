import { z } from 'zod';
import { PERMISSIONS } from '../../domain/roles/index.js';
import type { Actor } from '../../domain/roles/index.js';
import {
  listReleases,
  platformStatus,
  publishRelease,
  PublishReleaseInput,
  rolloutRelease,
} from '../../workflows/index.js';
import { actorOf } from '../access.js';
import { InstanceKindName } from '../schema.js';
import { problems } from './problems.js';
import type { RouteDeps, TypedApp } from './types.js';

export const PlatformReleaseBody = z
  .object({
    id: z.string(),
    version: z.string(),
    components: z.record(z.string(), z.string()),
    notes: z.string(),
    fixes: z.array(z.string()),
    targets: z.array(z.string()).nullable(),
    publishedBy: z.string(),
    publishedAt: z.string(),
  })
  .meta({ id: 'PlatformRelease' });

export const PlatformRolloutBody = z
  .object({
    id: z.string(),
    releaseVersion: z.string(),
    instanceId: z.string(),
    tenantId: z.string(),
    revisionNumber: z.number(),
    overrideReason: z.string().nullable(),
    actorUserId: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'PlatformRollout' });

const PlatformStatusBody = z.object({
  instance: z.object({
    id: z.string(),
    name: z.string(),
    kind: InstanceKindName,
    tenantId: z.string(),
    testInstanceId: z.string().nullable(),
  }),
  currentVersion: z.string().nullable(),
  currentRevision: z.number().nullable(),
  available: z.array(z.string()),
});

const RolloutRequest = z.object({
  instance: z.string().trim().min(1),
  override: z.object({ reason: z.string().trim().min(10).max(2000) }).optional(),
});

export function platformRoutes(app: TypedApp, { store }: RouteDeps): void {
  app.get(
    '/api/v1/platform/releases',
    {
      config: { roles: PERMISSIONS['platform.read'] },
      schema: {
        summary: 'Published platform releases, lowest version first',
        tags: ['platform'],
        response: { 200: z.object({ releases: z.array(PlatformReleaseBody) }), ...problems(403) },
      },
    },
    async (request) => ({ releases: await listReleases(store, actorOf<Actor>(request)) }),
  );

  app.post(
    '/api/v1/platform/releases',
    {
      config: { roles: PERMISSIONS['platform.release.publish'] },
      schema: {
        summary: 'Publish a platform release (versions only increase; with `fixes` it is a hotfix)',
        description:
          'A version not above every published one is a 409 policy problem (`platform-version-increases`). ' +
          'A hotfix names the defects it fixes and is limited to their instances unless `targets` says otherwise.',
        tags: ['platform'],
        body: PublishReleaseInput,
        response: { 201: PlatformReleaseBody, ...problems(403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await publishRelease(store, actorOf<Actor>(request), request.body)),
  );

  app.post(
    '/api/v1/platform/releases/:version/rollouts',
    {
      config: { roles: PERMISSIONS['platform.release.rollout'] },
      schema: {
        summary: 'Roll a release out to one instance (test first; never a downgrade)',
        description:
          'Records and deploys a platform revision on the instance. A production instance needs its test ' +
          'instance to have run the release, or a provider-admin `override` with a reason (audited). A version ' +
          "at or below the instance's is a 409 policy problem that points to `POST /api/v1/defects`.",
        tags: ['platform'],
        params: z.object({ version: z.string().min(1) }),
        body: RolloutRequest,
        response: { 201: PlatformRolloutBody, ...problems(403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(
        await rolloutRelease(store, actorOf<Actor>(request), {
          release: request.params.version,
          instance: request.body.instance,
          ...(request.body.override !== undefined ? { override: request.body.override } : {}),
        }),
      ),
  );

  app.get(
    '/api/v1/platform/status',
    {
      config: { roles: PERMISSIONS['platform.read'] },
      schema: {
        summary: "Each visible instance's platform version and the releases it may take next",
        tags: ['platform'],
        querystring: z.object({ tenant: z.string().min(1).optional() }),
        response: { 200: z.object({ instances: z.array(PlatformStatusBody) }), ...problems(403, 404) },
      },
    },
    async (request) => ({ instances: await platformStatus(store, actorOf<Actor>(request), request.query) }),
  );
}

import { z } from 'zod';
import { PERMISSIONS } from '../../domain/roles/index.js';
import type { Actor, Role } from '../../domain/roles/index.js';
import {
  AcceptInput,
  acceptRollback,
  approveRollback,
  approveUpgrade,
  confirmImageDeployment,
  confirmRollback,
  DecideInput,
  DeployReportInput,
  diffImage,
  exportImage,
  failImageDeployment,
  getImageChange,
  listForwardFixFollowUps,
  listImageChanges,
  listRollbackPins,
  promoteUpgrade,
  PromoteInput,
  refreshRollback,
  rejectRollback,
  rejectUpgrade,
  ReopenInput,
  reopenRollback,
  RequestRollbackInput,
  requestRollback,
  RequestUpgradeInput,
  requestUpgrade,
  ResolveInput,
  retryImageDeployment,
  setImageSource,
  showImage,
  signOffUpgrade,
  SignOffInput,
  REQUEST_PERMISSION,
  stepRoles,
} from '../../workflows/index.js';
import type { ImageExportFormat } from '../../workflows/index.js';
import { actorOf } from '../access.js';
import {
  FollowUpsBody,
  ImageChangeBody,
  ImageChangeViewBody,
  ImageChangeListBody,
  ImageDiffBody,
  ImageOverviewBody,
  ImageSourceBody,
  RollbackPinsBody,
} from '../responses/index.js';
import { problems } from './problems.js';
import type { RouteDeps, TypedApp } from './types.js';

const InstanceParams = z.object({ instanceId: z.string().min(1) });
const IdParams = z.object({ id: z.string().min(1) });
const RevisionQuery = z.object({ revision: z.coerce.number().int().min(1).optional() });
const DiffQuery = z.object({
  from: z.coerce.number().int().min(1).optional(),
  to: z.coerce.number().int().min(1).optional(),
});
// Every step's input is `{ id, ...fields }`: the id comes from the path, the rest from the body.
const DecideBody = DecideInput.omit({ id: true });
const AcceptBody = AcceptInput.omit({ id: true });
const ResolveBody = ResolveInput.omit({ id: true });
const ReopenBody = ReopenInput.omit({ id: true });
const SignOffBody = SignOffInput.omit({ id: true });
const PromoteBody = PromoteInput.omit({ id: true });
const DeployReportBody = DeployReportInput.omit({ instance: true });
const EmptyBody = z.object({});

const image = ['image'];
const read = { roles: PERMISSIONS['image.read'] };
const stepProblems = problems(403, 404, 409);

function union(...lists: (readonly Role[])[]): Role[] {
  return [...new Set(lists.flat())];
}

/** The deployer reports on an instance, whichever kind of change deploys there. */
function deployerRoles(step: 'deployed' | 'failed' | 'retry'): Role[] {
  return union(stepRoles('rollback', step), stepRoles('upgrade', step));
}

/**
 * The options of a step on a change: who may take it, its OpenAPI entry, and the change it answers
 * with. Generic in params and body, so each route's request is typed from its own schemas.
 */
function stepOptions<Params extends z.ZodTypeAny, Body extends z.ZodTypeAny>(
  summary: string,
  roles: readonly Role[],
  params: Params,
  body: Body,
) {
  return {
    config: { roles },
    schema: { summary, tags: image, params, body, response: { 200: ImageChangeBody, ...stepProblems } },
  };
}

/**
 * The customer-image lifecycle (issue 4): image views, rollback requests, upgrades, deployments.
 * Each route calls one workflow; a step that leaves a pending revision hands it to the deployer
 * itself, after its commit (workflows/image/after-commit.ts).
 */
export function imageRoutes(app: TypedApp, { store }: RouteDeps): void {
  // ---- the image ------------------------------------------------------------------------------

  app.get(
    '/api/v1/instances/:instanceId/image',
    {
      config: read,
      schema: {
        summary: 'The current image, its package source, the change in flight, rollback pins and follow-ups',
        tags: image,
        params: InstanceParams,
        response: { 200: ImageOverviewBody, ...problems(403, 404) },
      },
    },
    async (request) => showImage(store, actorOf<Actor>(request), request.params.instanceId),
  );

  app.get(
    '/api/v1/instances/:instanceId/image/diff',
    {
      config: read,
      schema: {
        summary: 'Package moves between two image revisions (default: current vs previous)',
        tags: image,
        params: InstanceParams,
        querystring: DiffQuery,
        response: { 200: ImageDiffBody, ...problems(403, 404) },
      },
    },
    async (request) =>
      diffImage(store, actorOf<Actor>(request), { instance: request.params.instanceId, ...request.query }),
  );

  /** Both export routes: one revision rendered as a file the deployer or the customer downloads. */
  async function sendExport(
    request: { params: { instanceId: string }; query: { revision?: number | undefined } },
    actor: Actor,
    format: ImageExportFormat,
  ): Promise<string> {
    const rendered = await exportImage(store, actor, {
      instance: request.params.instanceId,
      format,
      ...(request.query.revision ? { revision: request.query.revision } : {}),
    });
    return rendered.text;
  }

  app.get(
    '/api/v1/instances/:instanceId/image/requirements.txt',
    {
      config: read,
      schema: {
        summary: 'An image revision rendered as requirements.txt (default: current)',
        tags: image,
        params: InstanceParams,
        querystring: RevisionQuery,
        response: { 200: z.string(), ...problems(403, 404) },
      },
    },
    async (request, reply) =>
      reply
        .type('text/plain')
        .header('content-disposition', 'attachment; filename="requirements.txt"')
        .send(await sendExport(request, actorOf<Actor>(request), 'requirements.txt')),
  );

  app.get(
    '/api/v1/instances/:instanceId/image/pylock.toml',
    {
      config: read,
      schema: {
        summary: 'An image revision rendered as pylock.toml (default: current)',
        tags: image,
        params: InstanceParams,
        querystring: RevisionQuery,
        response: { 200: z.string(), ...problems(403, 404) },
      },
    },
    async (request, reply) =>
      reply
        .type('application/toml')
        .header('content-disposition', 'attachment; filename="pylock.toml"')
        .send(await sendExport(request, actorOf<Actor>(request), 'pylock.toml')),
  );

  app.post(
    '/api/v1/instances/:instanceId/image/source',
    {
      config: { roles: PERMISSIONS['image.source.set'] },
      schema: {
        summary:
          "Point the instance's image at a package source (simple index URL or file: find-links folder)",
        tags: image,
        params: InstanceParams,
        body: z.object({ source: z.string().min(1) }),
        response: { 200: ImageSourceBody, ...problems(403, 404) },
      },
    },
    async (request) =>
      setImageSource(store, actorOf<Actor>(request), {
        instance: request.params.instanceId,
        source: request.body.source,
      }),
  );

  app.get(
    '/api/v1/instances/:instanceId/image/pins',
    {
      config: read,
      schema: {
        summary: 'Rollback pins of the instance',
        tags: image,
        params: InstanceParams,
        response: { 200: RollbackPinsBody, ...problems(403, 404) },
      },
    },
    async (request) => ({
      pins: await listRollbackPins(store, actorOf<Actor>(request), request.params.instanceId),
    }),
  );

  app.get(
    '/api/v1/instances/:instanceId/image/follow-ups',
    {
      config: read,
      schema: {
        summary: 'Forward-fix follow-ups opened by confirmed rollbacks',
        tags: image,
        params: InstanceParams,
        response: { 200: FollowUpsBody, ...problems(403, 404) },
      },
    },
    async (request) => ({
      followUps: await listForwardFixFollowUps(store, actorOf<Actor>(request), request.params.instanceId),
    }),
  );

  // ---- rollback requests ----------------------------------------------------------------------

  app.get(
    '/api/v1/instances/:instanceId/image/rollback-requests',
    {
      config: read,
      schema: {
        summary: "The instance's rollback requests, oldest first",
        tags: image,
        params: InstanceParams,
        response: { 200: ImageChangeListBody, ...problems(403, 404) },
      },
    },
    async (request) => ({
      requests: await listImageChanges(store, actorOf<Actor>(request), {
        instance: request.params.instanceId,
        kind: 'rollback',
      }),
    }),
  );

  app.post(
    '/api/v1/instances/:instanceId/image/rollback-requests',
    {
      config: { roles: PERMISSIONS[REQUEST_PERMISSION.rollback], quota: 'report' },
      schema: {
        summary:
          'Request a rollback (last resort): answered with the recommended approach and the validation report',
        tags: image,
        params: InstanceParams,
        body: RequestRollbackInput.omit({ instance: true }),
        response: { 201: ImageChangeBody, ...problems(403, 404, 409, 429) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(
        await requestRollback(store, actorOf<Actor>(request), {
          ...request.body,
          instance: request.params.instanceId,
        }),
      ),
  );

  app.get(
    '/api/v1/rollback-requests/:id',
    {
      config: read,
      schema: {
        summary:
          'One rollback request with its report, report hash, the steps the caller may take next and its path',
        tags: image,
        params: IdParams,
        response: { 200: ImageChangeViewBody, ...problems(403, 404) },
      },
    },
    async (request) => getImageChange(store, actorOf<Actor>(request), request.params.id, 'rollback'),
  );

  app.post(
    '/api/v1/rollback-requests/:id/approve',
    stepOptions('rollback request: approve', stepRoles('rollback', 'approve'), IdParams, DecideBody),
    async (request) =>
      approveRollback(store, actorOf<Actor>(request), { ...request.body, id: request.params.id }),
  );

  app.post(
    '/api/v1/rollback-requests/:id/reject',
    stepOptions('rollback request: reject', stepRoles('rollback', 'reject'), IdParams, DecideBody),
    async (request) =>
      rejectRollback(store, actorOf<Actor>(request), { ...request.body, id: request.params.id }),
  );

  app.post(
    '/api/v1/rollback-requests/:id/accept',
    stepOptions('rollback request: accept', stepRoles('rollback', 'accept'), IdParams, AcceptBody),
    async (request) =>
      acceptRollback(store, actorOf<Actor>(request), { ...request.body, id: request.params.id }),
  );

  app.post(
    '/api/v1/rollback-requests/:id/refresh',
    {
      // A refresh builds the report again (dependency review and impact): it counts as a report.
      config: { roles: stepRoles('rollback', 'refresh'), quota: 'report' },
      schema: {
        summary: 'rollback request: refresh',
        tags: image,
        params: IdParams,
        body: EmptyBody.optional(),
        response: { 200: ImageChangeBody, ...problems(403, 404, 409, 429) },
      },
    },
    async (request) => refreshRollback(store, actorOf<Actor>(request), { id: request.params.id }),
  );

  app.post(
    '/api/v1/rollback-requests/:id/confirm',
    stepOptions(
      'rollback request: confirm',
      stepRoles('rollback', 'confirm'),
      IdParams,
      ResolveBody.optional(),
    ),
    async (request) =>
      confirmRollback(store, actorOf<Actor>(request), { ...request.body, id: request.params.id }),
  );

  app.post(
    '/api/v1/rollback-requests/:id/reopen',
    stepOptions('rollback request: reopen', stepRoles('rollback', 'reopen'), IdParams, ReopenBody),
    async (request) =>
      reopenRollback(store, actorOf<Actor>(request), { ...request.body, id: request.params.id }),
  );

  // ---- upgrade requests -----------------------------------------------------------------------

  app.get(
    '/api/v1/instances/:instanceId/image/upgrade-requests',
    {
      config: read,
      schema: {
        summary: "The instance's upgrade requests, oldest first",
        tags: image,
        params: InstanceParams,
        response: { 200: ImageChangeListBody, ...problems(403, 404) },
      },
    },
    async (request) => ({
      requests: await listImageChanges(store, actorOf<Actor>(request), {
        instance: request.params.instanceId,
        kind: 'upgrade',
      }),
    }),
  );

  app.post(
    '/api/v1/instances/:instanceId/image/upgrade-requests',
    {
      config: { roles: PERMISSIONS[REQUEST_PERMISSION.upgrade], quota: 'report' },
      schema: {
        summary: 'Request an upgrade: planned with co-upgrades, refused while a rollback pin holds',
        tags: image,
        params: InstanceParams,
        body: RequestUpgradeInput.omit({ instance: true }),
        response: { 201: ImageChangeBody, ...problems(403, 404, 409, 429) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(
        await requestUpgrade(store, actorOf<Actor>(request), {
          ...request.body,
          instance: request.params.instanceId,
        }),
      ),
  );

  app.get(
    '/api/v1/upgrade-requests/:id',
    {
      config: read,
      schema: {
        summary:
          'One upgrade request with its report, report hash, the steps the caller may take next and its path',
        tags: image,
        params: IdParams,
        response: { 200: ImageChangeViewBody, ...problems(403, 404) },
      },
    },
    async (request) => getImageChange(store, actorOf<Actor>(request), request.params.id, 'upgrade'),
  );

  app.post(
    '/api/v1/upgrade-requests/:id/approve',
    stepOptions('upgrade request: approve', stepRoles('upgrade', 'approve'), IdParams, DecideBody),
    async (request) =>
      approveUpgrade(store, actorOf<Actor>(request), { ...request.body, id: request.params.id }),
  );

  app.post(
    '/api/v1/upgrade-requests/:id/reject',
    stepOptions('upgrade request: reject', stepRoles('upgrade', 'reject'), IdParams, DecideBody),
    async (request) =>
      rejectUpgrade(store, actorOf<Actor>(request), { ...request.body, id: request.params.id }),
  );

  app.post(
    '/api/v1/upgrade-requests/:id/signoff',
    stepOptions(
      'upgrade request: signoff',
      stepRoles('upgrade', 'signoff'),
      IdParams,
      SignOffBody.optional(),
    ),
    async (request) =>
      signOffUpgrade(store, actorOf<Actor>(request), { ...request.body, id: request.params.id }),
  );

  app.post(
    '/api/v1/upgrade-requests/:id/promote',
    // The override step (production without a test instance) is taken through the same route.
    stepOptions(
      'upgrade request: promote',
      union(stepRoles('upgrade', 'promote'), stepRoles('upgrade', 'override')),
      IdParams,
      PromoteBody.optional(),
    ),
    async (request) =>
      promoteUpgrade(store, actorOf<Actor>(request), { ...request.body, id: request.params.id }),
  );

  // ---- the deployer reports -------------------------------------------------------------------

  app.post(
    '/api/v1/instances/:instanceId/image/deployment/confirm',
    stepOptions(
      'The deployer reports: confirm',
      deployerRoles('deployed'),
      InstanceParams,
      DeployReportBody.optional(),
    ),
    async (request) =>
      confirmImageDeployment(store, actorOf<Actor>(request), {
        ...request.body,
        instance: request.params.instanceId,
      }),
  );

  app.post(
    '/api/v1/instances/:instanceId/image/deployment/fail',
    stepOptions(
      'The deployer reports: fail',
      deployerRoles('failed'),
      InstanceParams,
      DeployReportBody.optional(),
    ),
    async (request) =>
      failImageDeployment(store, actorOf<Actor>(request), {
        ...request.body,
        instance: request.params.instanceId,
      }),
  );

  app.post(
    '/api/v1/instances/:instanceId/image/deployment/retry',
    stepOptions(
      'The deployer reports: retry',
      deployerRoles('retry'),
      InstanceParams,
      DeployReportBody.optional(),
    ),
    async (request) =>
      retryImageDeployment(store, actorOf<Actor>(request), {
        ...request.body,
        instance: request.params.instanceId,
      }),
  );
}

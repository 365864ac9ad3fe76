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
} from '../../workflows/index.js';
import { actorOf } from '../access.js';
import { handOffAfterStep } from './deployers.js';
import { problems } from './problems.js';
import type { RouteDeps, TypedApp } from './types.js';

const Json = z.record(z.string(), z.unknown());
const InstanceParams = z.object({ instanceId: z.string().min(1) });
const IdParams = z.object({ id: z.string().min(1) });
const RevisionQuery = z.object({ revision: z.coerce.number().int().min(1).optional() });
const DiffQuery = z.object({
  from: z.coerce.number().int().min(1).optional(),
  to: z.coerce.number().int().min(1).optional(),
});

function union(...lists: (readonly Role[])[]): Role[] {
  return [...new Set(lists.flat())];
}

/** The customer-image lifecycle (issue 4): image views, rollback requests, upgrades, deployments. */
export function imageRoutes(app: TypedApp, { store }: RouteDeps): void {
  const base = '/api/v1/instances/:instanceId/image';
  const read = { roles: PERMISSIONS['image.read'] };

  app.get(
    base,
    {
      config: read,
      schema: {
        summary: 'The current image, its package source, the change in flight, rollback pins and follow-ups',
        tags: ['image'],
        params: InstanceParams,
        response: { 200: Json, ...problems(403, 404) },
      },
    },
    async (request) =>
      (await showImage(store, actorOf<Actor>(request), request.params.instanceId)) as unknown as Record<
        string,
        unknown
      >,
  );

  app.get(
    `${base}/diff`,
    {
      config: read,
      schema: {
        summary: 'Package moves between two image revisions (default: current vs previous)',
        tags: ['image'],
        params: InstanceParams,
        querystring: DiffQuery,
        response: { 200: Json, ...problems(403, 404) },
      },
    },
    async (request) =>
      diffImage(store, actorOf<Actor>(request), { instance: request.params.instanceId, ...request.query }),
  );

  for (const format of ['requirements.txt', 'pylock.toml'] as const) {
    app.get(
      `${base}/${format}`,
      {
        config: read,
        schema: {
          summary: `An image revision rendered as ${format} (default: current)`,
          tags: ['image'],
          params: InstanceParams,
          querystring: RevisionQuery,
          response: { 200: z.string(), ...problems(403, 404) },
        },
      },
      async (request, reply) => {
        const rendered = await exportImage(store, actorOf<Actor>(request), {
          instance: request.params.instanceId,
          format,
          ...(request.query.revision ? { revision: request.query.revision } : {}),
        });
        return reply
          .type(format === 'pylock.toml' ? 'application/toml' : 'text/plain')
          .header('content-disposition', `attachment; filename="${format}"`)
          .send(rendered.text);
      },
    );
  }

  app.post(
    `${base}/source`,
    {
      config: { roles: PERMISSIONS['image.source.set'] },
      schema: {
        summary:
          "Point the instance's image at a package source (simple index URL or file: find-links folder)",
        tags: ['image'],
        params: InstanceParams,
        body: z.object({ source: z.string().min(1) }),
        response: { 200: Json, ...problems(403, 404) },
      },
    },
    async (request) =>
      setImageSource(store, actorOf<Actor>(request), {
        instance: request.params.instanceId,
        source: request.body.source,
      }),
  );

  for (const what of ['pins', 'follow-ups'] as const) {
    app.get(
      `${base}/${what}`,
      {
        config: read,
        schema: {
          summary:
            what === 'pins'
              ? 'Rollback pins of the instance'
              : 'Forward-fix follow-ups opened by confirmed rollbacks',
          tags: ['image'],
          params: InstanceParams,
          response: { 200: Json, ...problems(403, 404) },
        },
      },
      async (request) => {
        const actor = actorOf<Actor>(request);
        return what === 'pins'
          ? { pins: await listRollbackPins(store, actor, request.params.instanceId) }
          : { followUps: await listForwardFixFollowUps(store, actor, request.params.instanceId) };
      },
    );
  }

  for (const kind of ['rollback', 'upgrade'] as const) {
    app.get(
      `${base}/${kind}-requests`,
      {
        config: read,
        schema: {
          summary: `The instance's ${kind} requests, oldest first`,
          tags: ['image'],
          params: InstanceParams,
          response: { 200: Json, ...problems(403, 404) },
        },
      },
      async (request) => ({
        requests: await listImageChanges(store, actorOf<Actor>(request), {
          instance: request.params.instanceId,
          kind,
        }),
      }),
    );
    app.get(
      `/api/v1/${kind}-requests/:id`,
      {
        config: read,
        schema: {
          summary: `One ${kind} request with its report and report hash`,
          tags: ['image'],
          params: IdParams,
          response: { 200: Json, ...problems(403, 404) },
        },
      },
      async (request) =>
        (await getImageChange(store, actorOf<Actor>(request), request.params.id, kind)) as unknown as Record<
          string,
          unknown
        >,
    );
  }

  app.post(
    `${base}/rollback-requests`,
    {
      config: { roles: PERMISSIONS['image.rollback.request'], quota: 'report' },
      schema: {
        summary:
          'Request a rollback (last resort): answered with the recommended approach and the validation report',
        tags: ['image'],
        params: InstanceParams,
        body: RequestRollbackInput.omit({ instance: true }),
        response: { 201: Json, ...problems(403, 404, 409, 429) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(
        (await requestRollback(store, actorOf<Actor>(request), {
          ...request.body,
          instance: request.params.instanceId,
        })) as unknown as Record<string, unknown>,
      ),
  );

  app.post(
    `${base}/upgrade-requests`,
    {
      config: { roles: PERMISSIONS['image.upgrade.request'], quota: 'report' },
      schema: {
        summary: 'Request an upgrade: planned with co-upgrades, refused while a rollback pin holds',
        tags: ['image'],
        params: InstanceParams,
        body: RequestUpgradeInput.omit({ instance: true }),
        response: { 201: Json, ...problems(403, 404, 409, 429) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(
        (await requestUpgrade(store, actorOf<Actor>(request), {
          ...request.body,
          instance: request.params.instanceId,
        })) as unknown as Record<string, unknown>,
      ),
  );

  const steps = [
    ['rollback', 'approve', PERMISSIONS['image.rollback.review'], DecideInput, approveRollback],
    ['rollback', 'reject', PERMISSIONS['image.rollback.review'], DecideInput, rejectRollback],
    ['rollback', 'accept', PERMISSIONS['image.rollback.accept'], AcceptInput, acceptRollback],
    ['rollback', 'refresh', PERMISSIONS['image.change.refresh'], z.object({}), refreshRollback],
    ['rollback', 'confirm', PERMISSIONS['image.rollback.resolve'], ResolveInput, confirmRollback],
    ['rollback', 'reopen', PERMISSIONS['image.rollback.resolve'], ReopenInput, reopenRollback],
    ['upgrade', 'approve', PERMISSIONS['image.upgrade.approve'], DecideInput, approveUpgrade],
    ['upgrade', 'reject', PERMISSIONS['image.upgrade.approve'], DecideInput, rejectUpgrade],
    ['upgrade', 'signoff', PERMISSIONS['image.upgrade.signoff'], SignOffInput, signOffUpgrade],
    [
      'upgrade',
      'promote',
      union(PERMISSIONS['image.upgrade.promote'], PERMISSIONS['image.upgrade.override']),
      PromoteInput,
      promoteUpgrade,
    ],
  ] as const;
  for (const [kind, step, roles, schema, run] of steps) {
    // Every step's input is `{ id, ...fields }`: the id comes from the path, the rest from the body.
    const shape = schema as unknown as z.ZodObject<{ id: z.ZodString }>;
    const body = 'id' in shape.shape ? shape.omit({ id: true }) : shape;
    app.post(
      `/api/v1/${kind}-requests/:id/${step}`,
      {
        // A refresh builds the report again (dependency review and impact): it counts as a report.
        config: step === 'refresh' ? { roles, quota: 'report' as const } : { roles },
        schema: {
          summary: `${kind} request: ${step}`,
          tags: ['image'],
          params: IdParams,
          body: body.optional(),
          response: {
            200: Json,
            ...(step === 'refresh' ? problems(403, 404, 409, 429) : problems(403, 404, 409)),
          },
        },
      },
      async (request) => {
        const input = { ...((request.body ?? {}) as object), id: request.params.id };
        const change = await (run as unknown as (s: typeof store, a: Actor, i: unknown) => Promise<unknown>)(
          store,
          actorOf<Actor>(request),
          input,
        );
        // After the step's transaction committed: a new pending revision goes to its deployer.
        handOffAfterStep(app, store, change);
        return change as Record<string, unknown>;
      },
    );
  }

  const deploySteps = [
    ['confirm', confirmImageDeployment],
    ['fail', failImageDeployment],
    ['retry', retryImageDeployment],
  ] as const;
  for (const [step, run] of deploySteps) {
    app.post(
      `${base}/deployment/${step}`,
      {
        config: { roles: PERMISSIONS['image.deploy.report'] },
        schema: {
          summary: `The deployer reports: ${step}`,
          tags: ['image'],
          params: InstanceParams,
          body: DeployReportInput.omit({ instance: true }).optional(),
          response: { 200: Json, ...problems(403, 404, 409) },
        },
      },
      async (request) => {
        const change = await run(store, actorOf<Actor>(request), {
          ...(request.body ?? {}),
          instance: request.params.instanceId,
        });
        // A confirmed test stage or a retry leaves a new pending revision for the deployer.
        handOffAfterStep(app, store, change);
        return change as unknown as Record<string, unknown>;
      },
    );
  }
}

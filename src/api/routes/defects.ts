import { z } from 'zod';
import { PERMISSIONS } from '../../domain/roles/index.js';
import type { Actor } from '../../domain/roles/index.js';
import {
  checkSlaBreachesAs,
  closeDefect,
  configureSeverity,
  getDefect,
  linkDefect,
  listDefects,
  ListDefectsInput,
  listSeverities,
  reopenDefect,
  reportDefect,
  ReportDefectInput,
  resolveDefect,
  startDefectFix,
  triageDefect,
} from '../../workflows/index.js';
import { actorOf } from '../access.js';
import { problems } from './problems.js';
import type { RouteDeps, TypedApp } from './types.js';

const SeverityNumber = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]);

export const DefectBody = z
  .object({
    id: z.string(),
    tenantId: z.string(),
    instanceId: z.string(),
    reporterUserId: z.string(),
    title: z.string(),
    observed: z.string(),
    since: z.string(),
    suggestedSeverity: z.number(),
    severity: z.number().nullable(),
    severityName: z.string().nullable(),
    assigneeUserId: z.string().nullable(),
    regressedIn: z.string().nullable(),
    state: z.string(),
    closeOutcome: z.string().nullable(),
    closeReason: z.string().nullable(),
    duplicateOf: z.string().nullable(),
    fixedByRelease: z.string().nullable(),
    reopenCount: z.number(),
    reportedAt: z.string(),
    triagedAt: z.string().nullable(),
    deployedAt: z.string().nullable(),
    resolvedAt: z.string().nullable(),
    closedAt: z.string().nullable(),
    updatedAt: z.string(),
    version: z.number(),
    sla: z.array(
      z.object({
        clock: z.enum(['response', 'resolution']),
        targetAt: z.string(),
        metAt: z.string().nullable(),
        breached: z.boolean(),
      }),
    ),
    breached: z.boolean(),
    // Issue 17: names for people, beside the ids.
    tenantSlug: z.string().nullable().optional(),
    instanceName: z.string().nullable().optional(),
    reporterName: z.string().nullable().optional(),
    assigneeName: z.string().nullable().optional(),
  })
  .meta({ id: 'Defect' });

const SeverityBody = z.object({
  severity: z.number(),
  name: z.string(),
  definition: z.string(),
  responseMinutes: z.number(),
  resolutionMinutes: z.number(),
});

const DefectParams = z.object({ id: z.string().min(1) });

export function defectRoutes(app: TypedApp, { store }: RouteDeps): void {
  app.get(
    '/api/v1/defects',
    {
      config: { roles: PERMISSIONS['defect.read'] },
      schema: {
        summary: 'Defects you may see, newest first, with SLA clocks and breaches',
        tags: ['defects'],
        querystring: ListDefectsInput,
        response: { 200: z.object({ defects: z.array(DefectBody) }), ...problems(403, 404) },
      },
    },
    async (request) => ({ defects: await listDefects(store, actorOf<Actor>(request), request.query) }),
  );

  app.post(
    '/api/v1/defects',
    {
      config: { roles: PERMISSIONS['defect.report'] },
      schema: {
        summary: 'Report a platform defect (the support channel): instance, what you observed, since when',
        tags: ['defects'],
        body: ReportDefectInput,
        response: { 201: DefectBody, ...problems(403, 404) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await reportDefect(store, actorOf<Actor>(request), request.body)),
  );

  app.get(
    '/api/v1/defects/severities',
    {
      config: { roles: PERMISSIONS['defect.read'] },
      schema: {
        summary: 'Severity definitions with response and resolution targets (minutes)',
        tags: ['defects'],
        response: { 200: z.object({ severities: z.array(SeverityBody) }), ...problems(403) },
      },
    },
    async (request) => ({ severities: await listSeverities(store, actorOf<Actor>(request)) }),
  );

  app.put(
    '/api/v1/defects/severities/:severity',
    {
      config: { roles: PERMISSIONS['defect.severity.configure'] },
      schema: {
        summary: "Store one severity's definition and SLA targets",
        tags: ['defects'],
        params: z.object({ severity: z.coerce.number().pipe(SeverityNumber) }),
        body: SeverityBody.omit({ severity: true }),
        response: { 200: SeverityBody, ...problems(403) },
      },
    },
    async (request) =>
      configureSeverity(store, actorOf<Actor>(request), {
        ...request.body,
        severity: request.params.severity,
      }),
  );

  app.post(
    '/api/v1/defects/sla-checks',
    {
      config: { roles: PERMISSIONS['defect.sla.check'] },
      schema: {
        summary: 'Announce new SLA breaches to the provider on-call group (once per breach)',
        tags: ['defects'],
        response: {
          200: z.object({
            notified: z.array(z.object({ defectId: z.string(), clock: z.string(), targetAt: z.string() })),
          }),
          ...problems(403),
        },
      },
    },
    async (request) => ({ notified: await checkSlaBreachesAs(store, actorOf<Actor>(request)) }),
  );

  app.get(
    '/api/v1/defects/:id',
    {
      config: { roles: PERMISSIONS['defect.read'] },
      schema: {
        summary: 'One defect',
        tags: ['defects'],
        params: DefectParams,
        response: { 200: DefectBody, ...problems(403, 404) },
      },
    },
    async (request) => getDefect(store, actorOf<Actor>(request), request.params.id),
  );

  app.post(
    '/api/v1/defects/:id/triage',
    {
      config: { roles: PERMISSIONS['defect.triage'] },
      schema: {
        summary: 'Triage: severity 1-4, assignee, the release it regressed in',
        tags: ['defects'],
        params: DefectParams,
        body: z.object({
          severity: SeverityNumber,
          assignee: z.string().min(1).optional(),
          regressedIn: z.string().min(1).optional(),
        }),
        response: { 200: DefectBody, ...problems(403, 404, 409) },
      },
    },
    async (request) =>
      triageDefect(store, actorOf<Actor>(request), { defect: request.params.id, ...request.body }),
  );

  app.post(
    '/api/v1/defects/:id/start-fix',
    {
      config: { roles: PERMISSIONS['defect.fix'] },
      schema: {
        summary: 'Engineering starts the hotfix',
        tags: ['defects'],
        params: DefectParams,
        body: z.object({ assignee: z.string().min(1).optional() }).optional(),
        response: { 200: DefectBody, ...problems(403, 404, 409) },
      },
    },
    async (request) =>
      startDefectFix(store, actorOf<Actor>(request), { defect: request.params.id, ...(request.body ?? {}) }),
  );

  app.post(
    '/api/v1/defects/:id/link',
    {
      config: { roles: PERMISSIONS['defect.fix'] },
      schema: {
        summary: 'Link the defect to the hotfix release that fixes it',
        tags: ['defects'],
        params: DefectParams,
        body: z.object({ release: z.string().min(1) }),
        response: { 200: DefectBody, ...problems(403, 404, 409) },
      },
    },
    async (request) =>
      linkDefect(store, actorOf<Actor>(request), {
        defect: request.params.id,
        release: request.body.release,
      }),
  );

  app.post(
    '/api/v1/defects/:id/close',
    {
      config: { roles: PERMISSIONS['defect.close'] },
      schema: {
        summary: 'Close as not a defect or a duplicate, with a reason the customer sees',
        tags: ['defects'],
        params: DefectParams,
        body: z.object({
          as: z.enum(['not-a-defect', 'duplicate']),
          reason: z.string(),
          duplicateOf: z.string().optional(),
        }),
        response: { 200: DefectBody, ...problems(403, 404, 409) },
      },
    },
    async (request) =>
      closeDefect(store, actorOf<Actor>(request), { defect: request.params.id, ...request.body }),
  );

  app.post(
    '/api/v1/defects/:id/resolve',
    {
      config: { roles: PERMISSIONS['defect.confirm'] },
      schema: {
        summary: 'The customer confirms the deployed fix resolved it',
        tags: ['defects'],
        params: DefectParams,
        body: z.object({ note: z.string().max(4000).optional() }).optional(),
        response: { 200: DefectBody, ...problems(403, 404, 409) },
      },
    },
    async (request) =>
      resolveDefect(store, actorOf<Actor>(request), { defect: request.params.id, ...(request.body ?? {}) }),
  );

  app.post(
    '/api/v1/defects/:id/reopen',
    {
      config: { roles: PERMISSIONS['defect.confirm'] },
      schema: {
        summary: 'The customer reopens it: the fix did not hold, or the closing reason does not',
        tags: ['defects'],
        params: DefectParams,
        body: z.object({ reason: z.string() }),
        response: { 200: DefectBody, ...problems(403, 404, 409) },
      },
    },
    async (request) =>
      reopenDefect(store, actorOf<Actor>(request), {
        defect: request.params.id,
        reason: request.body.reason,
      }),
  );
}

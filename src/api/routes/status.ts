import { z } from 'zod';
import { PERMISSIONS } from '../../domain/roles/index.js';
import type { Actor } from '../../domain/roles/index.js';
import { fleetStatus, instanceStatus } from '../../workflows/index.js';
import type { InstanceStrip } from '../../workflows/index.js';
import { actorOf } from '../access.js';
import { problems } from './problems.js';
import type { RouteDeps, TypedApp } from './types.js';

export const InFlightItemBody = z
  .object({
    kind: z.enum([
      'infrastructure-change',
      'defect',
      'rollback-pin',
      'forward-fix',
      'image-change',
      'trial',
      'deployment',
    ]),
    id: z.string(),
    title: z.string(),
    state: z.string(),
    detail: z.string(),
    due: z.string().nullable(),
    breached: z.boolean(),
    change: z
      .object({ kind: z.enum(['rollback', 'upgrade', 'defect', 'infrastructure']), id: z.string() })
      .nullable(),
  })
  .meta({ id: 'InFlightItem' });

export const InstanceStripBody = z
  .object({
    instance: z.object({
      id: z.string(),
      name: z.string(),
      kind: z.string(),
      tenantId: z.string(),
      tenantSlug: z.string().nullable(),
    }),
    layers: z.array(
      z.object({
        layer: z.enum(['infrastructure', 'platform', 'image']),
        current: z.object({ revision: z.number(), summary: z.string(), since: z.string() }).nullable(),
        inFlight: z.array(InFlightItemBody),
      }),
    ),
    inFlight: z.number().int(),
  })
  .meta({ id: 'InstanceStatusStrip' });

// The wire type (src/workflows/status/types.ts) and this schema describe the same answer.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const sameShape: Same<z.infer<typeof InstanceStripBody>, InstanceStrip> = true;
void sameShape;

const InstanceParams = z.object({ instanceId: z.string().min(1) });

/** Issue 17: what is in flight, per instance and layer, so nothing pending hides behind "0". */
export function statusRoutes(app: TypedApp, { store }: RouteDeps): void {
  app.get(
    '/api/v1/fleet/status',
    {
      config: { roles: PERMISSIONS['instance.read'] },
      schema: {
        summary: 'The status strip of every instance you may see: per layer, what runs and what is in flight',
        description:
          'In flight: pending deployments, planned infrastructure changes (sign-offs, window), open defects ' +
          '(SLA clock), image changes, rollback pins (expiry, follow-up), open forward fixes, running trials.',
        tags: ['status'],
        querystring: z.object({ tenant: z.string().min(1).optional() }),
        response: { 200: z.object({ instances: z.array(InstanceStripBody) }), ...problems(403, 404) },
      },
    },
    async (request) => ({ instances: await fleetStatus(store, actorOf<Actor>(request), request.query) }),
  );

  app.get(
    '/api/v1/instances/:instanceId/status',
    {
      config: { roles: PERMISSIONS['instance.read'] },
      schema: {
        summary: "One instance's status strip: per layer, what runs and what is in flight",
        tags: ['status'],
        params: InstanceParams,
        response: { 200: InstanceStripBody, ...problems(403, 404) },
      },
    },
    async (request) => instanceStatus(store, actorOf<Actor>(request), request.params.instanceId),
  );
}

/**
 * The outcomes chart's data (issue 17 item 5): an instance's pipeline runs per day and image
 * revision, with its image deployments as markers. A history, stable across later changes.
 */
import { z } from 'zod';
import { PERMISSIONS } from '../../domain/roles/index.js';
import type { Actor } from '../../domain/roles/index.js';
import { outcomesHistory } from '../../workflows/evidence/index.js';
import { actorOf } from '../access.js';
import { OutcomesHistoryBody } from '../responses/index.js';
import { InstanceParams } from '../schema.js';
import { problems } from './problems.js';
import type { RouteDeps, TypedApp } from './types.js';

const OutcomesQuerystring = z.object({ windowDays: z.coerce.number().int().optional() });

export function outcomesRoutes(app: TypedApp, { store }: RouteDeps): void {
  app.get(
    '/api/v1/instances/:instanceId/outcomes',
    {
      config: { roles: PERMISSIONS['evidence.read'] },
      schema: {
        summary:
          "An instance's pipeline runs per UTC day and image revision, with image deployments as markers",
        description:
          'A record of what ran, not a judgement of a change: each bucket counts one pipeline’s runs on one day ' +
          'with one image revision (a day with a deployment has one bucket per revision); `deployments` lists every ' +
          'deployed image revision with its time and the packages it moved. Default window 30 days.',
        tags: ['evidence'],
        params: InstanceParams,
        querystring: OutcomesQuerystring,
        response: {
          200: OutcomesHistoryBody,
          ...problems(400, 403, 404),
        },
      },
    },
    async (request) =>
      outcomesHistory(store, actorOf<Actor>(request), {
        instance: request.params.instanceId,
        ...(request.query.windowDays !== undefined ? { windowDays: request.query.windowDays } : {}),
      }),
  );
}

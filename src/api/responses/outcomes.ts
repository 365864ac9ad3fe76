/** The outcomes chart's history (src/workflows/evidence/outcomes.ts) on the wire. */
import { z } from 'zod';
import { listOf } from './same-shape.js';

export const OutcomeBucketBody = z.object({
  day: z.string(),
  revision: z.number().nullable(),
  successes: z.number(),
  failures: z.number(),
});

export const OutcomesHistoryBody = z
  .object({
    instanceId: z.string(),
    since: z.string(),
    until: z.string(),
    pipelines: listOf(
      z.object({ pipeline: z.string(), owners: listOf(z.string()), days: listOf(OutcomeBucketBody) }),
    ),
    deployments: listOf(
      z.object({
        revision: z.number(),
        deployedAt: z.string(),
        moved: listOf(z.string()),
        reason: z.string(),
      }),
    ),
  })
  .meta({ id: 'OutcomesHistory' });
export type OutcomesHistoryBody = z.infer<typeof OutcomesHistoryBody>;

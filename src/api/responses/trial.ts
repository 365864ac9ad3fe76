/** Trials of an image change (src/workflows/trial) on the wire. */
import { z } from 'zod';
import { listOf } from './same-shape.js';

const EnvironmentSummary = z.object({
  lockHash: z.string(),
  reused: z.boolean(),
  check: z.object({ ok: z.boolean(), output: z.string() }),
});

const Deprecation = z.object({ name: z.string(), code: z.string(), message: z.string() });

const ProjectTrialResult = z.object({
  name: z.string(),
  owners: listOf(z.string()),
  commit: z.string().nullable(),
  /** Where the commit came from: the run evidence, the branch head (never ran), or the head because the evidence's commit is gone. */
  commitSource: z.enum(['evidence', 'branch-head', 'branch-head-fallback']).optional(),
  /** Why the branch head was used instead of the commit the project last ran; null otherwise. */
  commitNote: z.string().nullable().optional(),
  current: z.object({ ok: z.boolean(), error: z.string().nullable() }),
  candidate: z.object({ ok: z.boolean(), error: z.string().nullable(), deprecations: listOf(Deprecation) }),
  verdict: z.enum(['breaks', 'fixes', 'unaffected', 'still-broken']),
});

/** A trial: its progress while it runs, then each project's result on both images. */
export const TrialBody = z
  .object({
    id: z.string(),
    instanceId: z.string(),
    state: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']),
    requests: listOf(z.string()),
    progress: z.object({ done: z.number().int(), total: z.number().int(), step: z.string() }),
    result: z
      .object({
        environments: z.object({ current: EnvironmentSummary, candidate: EnvironmentSummary }),
        projects: listOf(ProjectTrialResult),
        logs: z.record(z.string(), z.object({ current: listOf(z.string()), candidate: listOf(z.string()) })),
        changes: listOf(
          z.object({ name: z.string(), from: z.string().nullable(), to: z.string().nullable() }),
        ),
      })
      .nullable(),
    error: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Trial' });
export type TrialBody = z.infer<typeof TrialBody>;

export const TrialListBody = z.object({ trials: listOf(TrialBody) });

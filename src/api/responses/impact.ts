/**
 * The impact report (src/impact/classify/types.ts) on the wire: inside every image change's report
 * and the answer of GET .../impact.
 */
import { z } from 'zod';
import { DeclaredConstraint } from '../../impact/dbt/index.js';
import { listOf } from './same-shape.js';

export const Verdict = z.enum(['breaks', 'fixes', 'unaffected', 'still-broken', 'unknown']);
export type Verdict = z.infer<typeof Verdict>;

export const VerdictBasis = z.enum([
  'constraint',
  'same-code',
  'failed-on-target',
  'adapted',
  'no-current-runs',
  'no-target-runs',
  'other-code-only',
  'untracked-code',
  'too-few-runs',
]);

export const ChangeDirection = z.enum(['rollback', 'upgrade', 'change']);

export const PackageChangeBody = z.object({ name: z.string(), from: z.string(), to: z.string() });

/** A package an impact question moves: `moves` is false when the current pin already satisfies the target. */
export const ImpactPackageBody = PackageChangeBody.extend({ moves: z.boolean() });

export const EvidenceRunBody = z.object({
  runId: z.string(),
  at: z.string(),
  outcome: z.enum(['success', 'failure']),
  imageRevision: z.number().int(),
  codeRevision: z.string().nullable(),
  side: z.enum(['current', 'target']),
});

export const JobImpactBody = z.object({
  job: z.string(),
  owners: listOf(z.string()),
  verdict: Verdict,
  basis: VerdictBasis,
  reason: z.string(),
});

export const PipelineImpactBody = z
  .object({
    pipeline: z.string(),
    owners: listOf(z.string()),
    jobs: listOf(JobImpactBody),
    project: z.string().nullable(),
    verdict: Verdict,
    basis: VerdictBasis,
    reason: z.string(),
    currentCode: z.string().nullable(),
    adaptedAt: z.string().nullable(),
    evidence: listOf(EvidenceRunBody),
    runCounts: z.object({
      current: z.number().int(),
      target: z.number().int(),
      targetWithCurrentCode: z.number().int(),
    }),
    excludedBy: DeclaredConstraint.nullable(),
  })
  .meta({ id: 'PipelineImpact' });

const VerdictCounts = z.object({
  breaks: z.number().int(),
  fixes: z.number().int(),
  unaffected: z.number().int(),
  'still-broken': z.number().int(),
  unknown: z.number().int(),
});

const VerdictLists = z.object({
  breaks: listOf(z.string()),
  fixes: listOf(z.string()),
  unaffected: listOf(z.string()),
  'still-broken': listOf(z.string()),
  unknown: listOf(z.string()),
});

export const GroupImpactBody = z.object({
  key: z.string().nullable(),
  counts: VerdictCounts,
  pipelines: VerdictLists,
});

export const AffectedUserBody = z.object({
  user: z.string(),
  verdicts: listOf(Verdict),
  pipelines: listOf(z.string()),
  shouldForwardFix: z.boolean(),
});

export const ImpactReportBody = z
  .object({
    direction: ChangeDirection,
    change: z.object({
      packages: listOf(PackageChangeBody),
      direction: ChangeDirection.optional(),
    }),
    currentRevision: z.number().int(),
    targetRevisions: listOf(z.number().int()),
    window: z.object({ days: z.number(), since: z.string() }),
    minRuns: z.number().int(),
    pipelines: listOf(PipelineImpactBody),
    counts: VerdictCounts,
    byUser: listOf(GroupImpactBody),
    byProject: listOf(GroupImpactBody),
    affectedUsers: listOf(AffectedUserBody),
    summary: z.string(),
    generatedAt: z.string(),
  })
  .meta({ id: 'ImpactReport' });
export type ImpactReportBody = z.infer<typeof ImpactReportBody>;

/** GET /api/v1/instances/{instanceId}/impact */
export const ImpactAnswerBody = z
  .object({
    instanceId: z.string(),
    packages: listOf(ImpactPackageBody),
    report: ImpactReportBody.nullable(),
    reportHash: z.string().nullable(),
  })
  .meta({ id: 'ImpactAnswer' });
export type ImpactAnswerBody = z.infer<typeof ImpactAnswerBody>;

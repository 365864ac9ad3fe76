/**
 * The customer-image workflow (src/workflows/image) on the wire: every image route answers with one
 * of these, and /openapi.json describes a rollback request field by field.
 */
import { z } from 'zod';
import { PinnedFile } from '../../domain/revisions/index.js';
import { IMAGE_CHANGE_STATES } from '../../workflows/image/index.js';
import { RevisionBody, RoleName } from '../schema.js';
import { ImpactReportBody, Verdict } from './impact.js';
import { listOf } from './same-shape.js';
import { TrialBody } from './trial.js';

export const ImageChangeKindName = z.enum(['upgrade', 'rollback']);

export const ImageChangeState = z.enum(IMAGE_CHANGE_STATES);
export type ImageChangeState = z.infer<typeof ImageChangeState>;

export const DeploymentStageBody = z.object({
  instanceId: z.string(),
  instanceName: z.string(),
  purpose: z.enum(['test', 'production', 'target']),
  revision: z.number().int().nullable(),
  status: z.enum(['waiting', 'pending', 'deployed', 'failed']),
  attempts: z.number().int(),
});

export const ImageChangeNoteBody = z.object({
  at: z.string(),
  byUserId: z.string(),
  byRole: RoleName,
  step: z.string(),
  text: z.string(),
});

export const ViolationBody = z.object({
  package: z.string(),
  version: z.string(),
  requires: z.string(),
  found: z.string().nullable(),
});

export const IgnoredRequirementBody = z.object({
  role: z.enum(['request', 'pin', 'keep']),
  requirement: z.string(),
  marker: z.string(),
  reason: z.string(),
});

export const TargetAvailabilityBody = z.object({
  package: z.string(),
  requested: z.string(),
  usable: listOf(z.string()),
  unusable: listOf(z.object({ version: z.string(), reason: z.string() })),
  available: z.boolean(),
});

export const DependencyReviewBody = z.object({
  feasible: z.boolean(),
  changes: listOf(z.object({ name: z.string(), from: z.string(), to: z.string(), requested: z.boolean() })),
  added: listOf(z.object({ name: z.string(), version: z.string() })),
  conflictsIfAlone: listOf(ViolationBody),
  explanation: z.string(),
  ignored: listOf(IgnoredRequirementBody).optional(),
});

/** The review's trial step (issue 16): the trial queued with the request, or why none runs. */
export const ReviewTrialStepBody = z.object({
  id: z.string().nullable(),
  skipped: z.string().nullable(),
  projects: listOf(z.string()),
});

export const ImageChangeReportBody = z
  .object({
    kind: ImageChangeKindName,
    instance: z.object({ id: z.string(), name: z.string() }),
    python: z.string(),
    source: z.string(),
    currentRevision: z.number().int().nullable(),
    requests: listOf(z.string()),
    recommendation: z.string(),
    availability: listOf(TargetAvailabilityBody),
    review: DependencyReviewBody,
    impact: ImpactReportBody.nullable(),
    impactSummary: z.string(),
    blockers: listOf(z.string()),
    files: listOf(z.object({ name: z.string(), version: z.string(), files: listOf(PinnedFile) })).optional(),
    trial: ReviewTrialStepBody.optional(),
  })
  .meta({ id: 'ImageChangeReport' });

/** A rollback or upgrade request: its state, report (and hash), decisions and deployment stages. */
export const ImageChangeBody = z
  .object({
    id: z.string(),
    kind: ImageChangeKindName,
    tenantId: z.string(),
    instanceId: z.string(),
    state: ImageChangeState,
    requestedBy: z.string(),
    requestedRole: RoleName,
    reason: z.string(),
    requests: listOf(z.string()),
    report: ImageChangeReportBody,
    reportHash: z.string(),
    approvedBy: z.string().nullable(),
    approvedHash: z.string().nullable(),
    decisionReason: z.string().nullable(),
    urgent: z.boolean(),
    acceptedBy: z.string().nullable(),
    acceptedHash: z.string().nullable(),
    stages: listOf(DeploymentStageBody),
    notes: listOf(ImageChangeNoteBody),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number().int(),
  })
  .meta({ id: 'ImageChange' });
export type ImageChangeBody = z.infer<typeof ImageChangeBody>;

/** The steps an image change takes after its request (src/workflows/image/machine.ts: ImageStepName). */
export const ImageStepNameBody = z.enum([
  'approve',
  'reject',
  'accept',
  'refresh',
  'confirm',
  'reopen',
  'signoff',
  'promote',
  'override',
  'deployed',
  'failed',
  'retry',
]);

/**
 * One step an image change may take now, for the caller (issue 18): from the same table the workflow
 * enforces (src/workflows/image/machine.ts), so a client offers these and keeps no copy of the process.
 */
export const ImageNextStepBody = z
  .object({
    step: ImageStepNameBody,
    label: z.string().meta({ description: 'What a button says; a deployer report names its instance.' }),
    roles: listOf(RoleName).meta({ description: 'The roles that own the step.' }),
    allowed: z.boolean().meta({ description: "Whether the caller's role may take it." }),
    method: z.literal('POST'),
    path: z.string().meta({ description: 'Where the step is posted.' }),
    input: z
      .object({
        label: z.string(),
        field: z.enum(['reason', 'information', 'note', 'error']),
        required: z.boolean(),
      })
      .nullable()
      .meta({ description: 'The text the step takes and the body field it goes in; null when none.' }),
    body: z
      .object({ reportHash: z.string().optional(), overrideNoTestInstance: z.boolean().optional() })
      .meta({ description: 'Body fields the step sends besides its input.' }),
    acknowledge: z.string().nullable().meta({
      description:
        "A statement to acknowledge first, sent as acknowledgeBreaks: true (the review's trial predicts breaks, issue 16); null when none.",
    }),
    stage: z
      .object({
        instanceId: z.string(),
        instanceName: z.string(),
        purpose: z.enum(['test', 'production', 'target']),
        revision: z.number().int().nullable(),
      })
      .nullable()
      .meta({ description: "A deployer report's deployment; null for steps on the request." }),
  })
  .meta({ id: 'ImageNextStep' });
export type ImageNextStepBody = z.infer<typeof ImageNextStepBody>;

/**
 * One stage of the path an image change takes (issue 18): the owners of the step leading into it come
 * from the same table the workflow enforces (src/workflows/image/machine.ts), so a client draws the
 * progress without a copy of who does what.
 */
export const ImagePathStageBody = z
  .object({
    state: ImageChangeState.meta({ description: 'The state the change is in at this stage.' }),
    label: z.string().meta({ description: 'What the stage is called.' }),
    step: z
      .enum([...ImageStepNameBody.options, 'request'])
      .meta({ description: 'The step that leads into the stage; "request" opens the change.' }),
    roles: listOf(RoleName).meta({ description: 'The roles that own that step.' }),
    status: z.enum(['done', 'current', 'todo']).meta({
      description: 'Passed, where the change stands now, or ahead; a rejected change has no current stage.',
    }),
  })
  .meta({ id: 'ImagePathStage' });

/** A change in a listing: the record, the steps the caller may take next, and the path it takes. */
export const ListedImageChangeBody = ImageChangeBody.extend({
  nextSteps: listOf(ImageNextStepBody),
  path: listOf(ImagePathStageBody).meta({
    description: 'The stages of the way forward, in order (detours such as a failed deployment left out).',
  }),
}).meta({ id: 'ListedImageChange' });
export type ListedImageChangeBody = z.infer<typeof ListedImageChangeBody>;

const DeprecationBody = z.object({ code: z.string(), name: z.string(), message: z.string() });

/** One dbt project's evidence: the trial's prediction and the observed pipelines, each labelled. */
export const ProjectEvidenceBody = z
  .object({
    project: z.string(),
    entries: listOf(
      z.object({
        source: z.enum(['predicted', 'observed']),
        verdict: Verdict,
        owners: listOf(z.string()),
        pipeline: z.string().nullable(),
        reason: z.string(),
        error: z.string().nullable(),
        deprecations: listOf(DeprecationBody),
        commit: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: 'ProjectEvidence' });

/** One change as its decision page reads it: the record, its review's trial, the merged evidence. */
export const ImageChangeViewBody = ListedImageChangeBody.extend({
  trial: TrialBody.nullable(),
  evidence: listOf(ProjectEvidenceBody),
}).meta({ id: 'ImageChangeView' });
export type ImageChangeViewBody = z.infer<typeof ImageChangeViewBody>;

export const RollbackPinBody = z
  .object({
    id: z.string(),
    instanceId: z.string(),
    package: z.string(),
    pinnedVersion: z.string(),
    changeId: z.string(),
    expiresAt: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'RollbackPin' });

export const ForwardFixFollowUpBody = z
  .object({
    id: z.string(),
    instanceId: z.string(),
    package: z.string(),
    pinnedVersion: z.string(),
    changeId: z.string(),
    status: z.enum(['open', 'closed']),
    createdAt: z.string(),
    closedAt: z.string().nullable(),
  })
  .meta({ id: 'ForwardFixFollowUp' });

/** GET /api/v1/instances/{instanceId}/image */
export const ImageOverviewBody = z
  .object({
    instance: z.object({ id: z.string(), name: z.string(), kind: z.string() }),
    source: z.string(),
    /** The source as people read it (`display`), the same in the CLI and the dashboard. */
    packageSource: z.object({
      kind: z.enum(['index', 'find-links']),
      location: z.string(),
      display: z.string(),
    }),
    current: RevisionBody.nullable(),
    inFlight: ImageChangeBody.nullable(),
    activePins: listOf(RollbackPinBody),
    openFollowUps: listOf(ForwardFixFollowUpBody),
  })
  .meta({ id: 'ImageOverview' });
export type ImageOverviewBody = z.infer<typeof ImageOverviewBody>;

export const ImageDiffEntryBody = z.object({
  name: z.string(),
  from: z.string().nullable(),
  to: z.string().nullable(),
});

/** GET /api/v1/instances/{instanceId}/image/diff */
export const ImageDiffBody = z
  .object({ from: z.number().int(), to: z.number().int(), changes: listOf(ImageDiffEntryBody) })
  .meta({ id: 'ImageDiff' });

/** POST /api/v1/instances/{instanceId}/image/source */
export const ImageSourceBody = z
  .object({ instanceId: z.string(), source: z.string() })
  .meta({ id: 'ImageSource' });

export type RollbackPinBody = z.infer<typeof RollbackPinBody>;
export type ForwardFixFollowUpBody = z.infer<typeof ForwardFixFollowUpBody>;

export const RollbackPinsBody = z.object({ pins: listOf(RollbackPinBody) });
export const FollowUpsBody = z.object({ followUps: listOf(ForwardFixFollowUpBody) });
export const ImageChangeListBody = z.object({ requests: listOf(ListedImageChangeBody) });

/** The webhook deploy callback's answer: the change moved by the report. */
export const DeployCallbackBody = ImageChangeBody.pick({ id: true, state: true, stages: true });

/** `image check` findings: consistent, or what breaks it (violations, unavailable pins), yanked and ignored pins. */
export const ImageCheckBody = z
  .object({
    consistent: z.boolean(),
    violations: listOf(ViolationBody),
    yanked: listOf(z.object({ package: z.string(), version: z.string(), reason: z.string().nullable() })),
    unavailable: listOf(z.object({ package: z.string(), version: z.string(), reason: z.string() })),
    ignored: listOf(IgnoredRequirementBody),
  })
  .meta({ id: 'ImageCheck' });

/** POST /api/v1/instances/{instanceId}/image/import: the revision recorded from the customer's lock. */
export const ImportedImageBody = z
  .object({
    revision: RevisionBody,
    format: z.string(),
    reattributedRuns: z.number().int(),
    check: ImageCheckBody,
    warnings: listOf(z.string()),
  })
  .meta({ id: 'ImportedImage' });
export type ImportedImageBody = z.infer<typeof ImportedImageBody>;

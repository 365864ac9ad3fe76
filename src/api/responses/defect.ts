/** A platform defect (src/workflows/defects) on the wire, with the steps it may take next. */
import { z } from 'zod';
import { RoleName } from '../schema.js';
import { listOf } from './same-shape.js';

export const SeverityNumber = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]);

export const DefectState = z.enum([
  'reported',
  'triaged',
  'fix-in-progress',
  'fix-in-test',
  'deployed',
  'resolved',
  'closed',
]);

export const NextDefectStepBody = z.object({
  step: z.enum(['triage', 'start-fix', 'link', 'close', 'resolve', 'reopen']),
  roles: listOf(RoleName),
});

export const DefectBody = z
  .object({
    id: z.string(),
    tenantId: z.string(),
    instanceId: z.string(),
    reporterUserId: z.string(),
    title: z.string(),
    observed: z.string(),
    since: z.string(),
    suggestedSeverity: SeverityNumber,
    severity: SeverityNumber.nullable(),
    severityName: z.string().nullable(),
    assigneeUserId: z.string().nullable(),
    regressedIn: z.string().nullable(),
    state: DefectState,
    closeOutcome: z.enum(['not-a-defect', 'duplicate']).nullable(),
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
    sla: listOf(
      z.object({
        clock: z.enum(['response', 'resolution']),
        targetAt: z.string(),
        metAt: z.string().nullable(),
        breached: z.boolean(),
      }),
    ),
    breached: z.boolean(),
    /** The steps it may take next and the roles that own each: what a client offers. */
    nextSteps: listOf(NextDefectStepBody),
    // Issue 17: names for people and places, beside the ids.
    tenantSlug: z.string().nullable().optional(),
    instanceName: z.string().nullable().optional(),
    reporterName: z.string().nullable().optional(),
    assigneeName: z.string().nullable().optional(),
  })
  .meta({ id: 'Defect' });
export type DefectBody = z.infer<typeof DefectBody>;

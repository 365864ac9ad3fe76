import { z } from 'zod';
import { SemverString } from '../../domain/revisions/index.js';
import { InstanceRef, TenantRef } from '../schema.js';

const SeverityNumber = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]);
const DefectId = z.string().trim().min(1).max(100);
const Reason = z.string().trim().min(3).max(4000);

export const ReportDefectInput = z.object({
  instance: InstanceRef,
  title: z.string().trim().min(3).max(200),
  /** What the customer observed: the behaviour, the error, the affected pipelines. */
  observed: z.string().trim().min(10).max(20_000),
  /** Since when (ISO date or date-time), e.g. right after platform 3.4.0 reached the instance. */
  since: z.iso.datetime({ offset: true }).or(z.iso.date()),
  /** How bad it looks to the reporter; the response clock runs against it. Default 3. */
  suggestedSeverity: SeverityNumber.default(3),
});
export type ReportDefectInput = z.input<typeof ReportDefectInput>;

export const TriageDefectInput = z.object({
  defect: DefectId,
  severity: SeverityNumber,
  /** A provider user id (engineering) who owns the fix. */
  assignee: z.string().trim().min(1).optional(),
  /** The platform release it regressed in, e.g. 3.4.0. */
  regressedIn: SemverString.optional(),
});
export type TriageDefectInput = z.infer<typeof TriageDefectInput>;

export const StartFixInput = z.object({ defect: DefectId, assignee: z.string().trim().min(1).optional() });
export type StartFixInput = z.infer<typeof StartFixInput>;

export const LinkDefectInput = z.object({ defect: DefectId, release: SemverString });
export type LinkDefectInput = z.infer<typeof LinkDefectInput>;

export const CloseDefectInput = z
  .object({
    defect: DefectId,
    as: z.enum(['not-a-defect', 'duplicate']),
    /** Shown to the customer. */
    reason: Reason,
    duplicateOf: DefectId.optional(),
  })
  .refine((v) => v.as !== 'duplicate' || v.duplicateOf !== undefined, {
    message: 'a duplicate names the defect it duplicates (duplicateOf)',
    path: ['duplicateOf'],
  });
export type CloseDefectInput = z.infer<typeof CloseDefectInput>;

export const ConfirmDefectInput = z.object({
  defect: DefectId,
  note: z.string().trim().max(4000).optional(),
});
export type ConfirmDefectInput = z.infer<typeof ConfirmDefectInput>;

export const ReopenDefectInput = z.object({ defect: DefectId, reason: Reason });
export type ReopenDefectInput = z.infer<typeof ReopenDefectInput>;

export const ListDefectsInput = z.object({
  tenant: TenantRef.optional(),
  state: z
    .enum(['reported', 'triaged', 'fix-in-progress', 'fix-in-test', 'deployed', 'resolved', 'closed'])
    .optional(),
});
export type ListDefectsInput = z.infer<typeof ListDefectsInput>;

export const ConfigureSeverityInput = z.object({
  severity: SeverityNumber,
  name: z.string().trim().min(1).max(100),
  definition: z.string().trim().min(1).max(2000),
  responseMinutes: z.number().int().min(1).max(525_600),
  resolutionMinutes: z.number().int().min(1).max(5_256_000),
});
export type ConfigureSeverityInput = z.infer<typeof ConfigureSeverityInput>;

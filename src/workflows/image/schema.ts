import { z } from 'zod';
import { InstanceRef } from '../schema.js';

const Reason = z.string().trim().min(1).max(2000);
const ChangeId = z.string().trim().min(1).max(100);

export const RequestRollbackInput = z.object({
  instance: InstanceRef,
  package: z.string().trim().min(1).max(200),
  /** An exact version (`1.10.15`) or a specifier (`==1.10.*`). */
  target: z.string().trim().min(1).max(200),
  reason: Reason,
});
export type RequestRollbackInput = z.infer<typeof RequestRollbackInput>;

export const ImageChangeRefInput = z.object({ id: ChangeId });
export type ImageChangeRefInput = z.infer<typeof ImageChangeRefInput>;

export const DecideInput = z.object({
  id: ChangeId,
  reason: Reason,
  /** Rollbacks only: skip the test instance (audited). */
  urgent: z.boolean().optional(),
  /**
   * Approve although the review's trial predicts the change breaks a project (or did not finish):
   * an explicit acknowledgement, recorded in the change's history (issue 16).
   */
  acknowledgeBreaks: z.boolean().optional(),
});
export type DecideInput = z.infer<typeof DecideInput>;

export const AcceptInput = z.object({
  id: ChangeId,
  /** The report hash the customer admin read; a regenerated report needs a renewed acceptance. */
  reportHash: z
    .string()
    .trim()
    .regex(/^[0-9a-f]{64}$/, 'must be the 64-hex report hash shown with the request'),
});
export type AcceptInput = z.infer<typeof AcceptInput>;

export const ResolveInput = z.object({
  id: ChangeId,
  note: z.string().trim().max(2000).optional(),
  /** How long the rollback pin holds; default 14 days. */
  pinDays: z.number().int().min(1).max(365).optional(),
});
export type ResolveInput = z.infer<typeof ResolveInput>;

export const ReopenInput = z.object({ id: ChangeId, information: Reason });
export type ReopenInput = z.infer<typeof ReopenInput>;

export const RequestUpgradeInput = z.object({
  instance: InstanceRef,
  /** PEP 508 requirements: `dbt-core>=1.11`. */
  requirements: z.array(z.string().trim().min(1).max(500)).min(1).max(50),
  reason: Reason,
});
export type RequestUpgradeInput = z.infer<typeof RequestUpgradeInput>;

export const SignOffInput = z.object({
  id: ChangeId,
  note: z.string().trim().max(2000).optional(),
  /** Pipelines that succeeded before and fail on the test instance, acknowledged by name. */
  acknowledge: z.array(z.string().trim().min(1)).max(500).optional(),
});
export type SignOffInput = z.infer<typeof SignOffInput>;

export const PromoteInput = z.object({
  id: ChangeId,
  /** Production without a test instance: the provider admin's explicit override. */
  overrideNoTestInstance: z.boolean().optional(),
  reason: z.string().trim().max(2000).optional(),
});
export type PromoteInput = z.infer<typeof PromoteInput>;

export const DeployReportInput = z.object({
  instance: InstanceRef,
  /** The revision the report is about (deployers name it); a report on another revision is refused. */
  revision: z.number().int().positive().optional(),
  /** Why the deployment failed (fail only). */
  error: z.string().trim().max(2000).optional(),
});
export type DeployReportInput = z.infer<typeof DeployReportInput>;

export const ImageSourceInput = z.object({
  instance: InstanceRef,
  source: z.string().trim().min(1).max(2000),
});
export type ImageSourceInput = z.infer<typeof ImageSourceInput>;

import { z } from 'zod';
import { InstanceRef, TenantRef } from '../schema.js';

const ChangeId = z.string().trim().min(1).max(100);

export const PlanInfrastructureChangeInput = z
  .object({
    /** What changes, e.g. "Kubernetes 1.30 -> 1.31". */
    title: z.string().trim().min(3).max(200),
    why: z.string().trim().min(3).max(4000),
    /** What the change sets, e.g. `{ "kubernetes": "1.31" }`; becomes the instances' infrastructure revision. */
    changes: z
      .record(z.string().trim().min(1).max(100), z.unknown())
      .refine((c) => Object.keys(c).length > 0, 'name at least one setting, e.g. {"kubernetes":"1.31"}'),
    risk: z.enum(['low', 'medium', 'high']),
    windowStart: z.iso.datetime({ offset: true }),
    windowEnd: z.iso.datetime({ offset: true }),
    /** Affected instances, all of one tenant. */
    instances: z.array(InstanceRef).min(1).max(100),
  })
  .refine((v) => Date.parse(v.windowEnd) > Date.parse(v.windowStart), {
    message: 'the window must end after it starts',
    path: ['windowEnd'],
  });
export type PlanInfrastructureChangeInput = z.infer<typeof PlanInfrastructureChangeInput>;

export const InfrastructureSignoffInput = z.object({
  change: ChangeId,
  /** What was tested and how it went. */
  note: z.string().trim().max(4000).default(''),
});
export type InfrastructureSignoffInput = z.input<typeof InfrastructureSignoffInput>;

export const ApplyInfrastructureChangeInput = z.object({
  change: ChangeId,
  /** Must be true: "Once an infrastructure upgrade is applied, it cannot be undone." */
  acknowledgeIrreversible: z.boolean().optional(),
  /** Apply outside the planned window: provider-admin only, with a reason (audited). */
  override: z.object({ reason: z.string().trim().min(10).max(2000) }).optional(),
});
export type ApplyInfrastructureChangeInput = z.infer<typeof ApplyInfrastructureChangeInput>;

export const InfrastructureChangeRefInput = z.object({ change: ChangeId });
export type InfrastructureChangeRefInput = z.infer<typeof InfrastructureChangeRefInput>;

export const ListInfrastructureChangesInput = z.object({
  tenant: TenantRef.optional(),
  state: z.enum(['planned', 'applied']).optional(),
});
export type ListInfrastructureChangesInput = z.infer<typeof ListInfrastructureChangesInput>;

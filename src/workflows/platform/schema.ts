import { z } from 'zod';
import { SemverString } from '../../domain/revisions/index.js';
import { InstanceRef, TenantRef } from '../schema.js';

export const PublishReleaseInput = z.object({
  version: SemverString,
  /** Component versions the release carries: airflow, python, ... */
  components: z
    .record(z.string().trim().min(1).max(100), z.string().trim().min(1).max(100))
    .refine((c) => Object.keys(c).length > 0, 'name at least one component, e.g. {"airflow":"3.0.6"}'),
  notes: z.string().trim().max(10_000).default(''),
  /** Defect ids this release fixes: it is then a hotfix and the defects move towards deployed. */
  fixes: z.array(z.string().trim().min(1)).max(100).default([]),
  /** Instances a hotfix is limited to; default for a hotfix: the fixed defects' instances. */
  targets: z.array(InstanceRef).max(500).optional(),
});
export type PublishReleaseInput = z.input<typeof PublishReleaseInput>;

export const RolloutInput = z.object({
  release: SemverString,
  instance: InstanceRef,
  /** Provider admin only: take the release to production before its test instance ran it. Audited. */
  override: z.object({ reason: z.string().trim().min(10).max(2000) }).optional(),
});
export type RolloutInput = z.infer<typeof RolloutInput>;

export const PlatformStatusInput = z.object({ tenant: TenantRef.optional() });
export type PlatformStatusInput = z.infer<typeof PlatformStatusInput>;

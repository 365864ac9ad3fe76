import { z } from 'zod';

/** One image revision as it was deployed on an instance; revisions are numbered (ARCHITECTURE.md). */
export const Deployment = z.object({
  revision: z.number().int().positive(),
  deployedAt: z.iso.datetime({ offset: true }),
  /** Pins of the revision, `{ 'dbt-core': '1.11.2' }`. */
  packages: z.record(z.string(), z.string()),
});
export type Deployment = z.infer<typeof Deployment>;

/** `finance_*` -> `ana`: who owns jobs whose Airflow DAG names no person. */
export const OwnershipRule = z.object({
  pattern: z.string().min(1),
  user: z.string().min(1),
});
export type OwnershipRule = z.infer<typeof OwnershipRule>;

/** What extraction needs to know about the tenant, loaded by the caller (the store) beforehand. */
export const EvidenceContext = z.object({
  /** OpenLineage job namespace -> Ratchet instance id. */
  namespaces: z.record(z.string(), z.string()),
  /** Instance id -> its deployment history, in any order. */
  deployments: z.record(z.string(), z.array(Deployment)).default({}),
  /** First match wins. */
  ownership: z.array(OwnershipRule).default([]),
});
export type EvidenceContext = z.input<typeof EvidenceContext>;

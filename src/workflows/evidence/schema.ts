import { z } from 'zod';
import { OwnershipRule } from '../../impact/index.js';

const Reference = z.string().trim().min(1).max(300);

/** `ratchet impact --set`, `?change=`: a package name and the PEP 440 target, `dbt-core==1.10.*`. */
export const ChangeSpec = z.string().trim().min(2).max(300);
export type ChangeSpec = z.infer<typeof ChangeSpec>;

export const WindowDays = z.coerce.number().int().min(1).max(365);
export type WindowDays = z.infer<typeof WindowDays>;

export const ImpactInput = z.object({
  instance: Reference,
  changes: z.array(ChangeSpec).min(1).max(20),
  windowDays: WindowDays.optional(),
});
export type ImpactInput = z.infer<typeof ImpactInput>;

export const EvidenceListInput = z.object({
  instance: Reference,
  windowDays: WindowDays.optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});
export type EvidenceListInput = z.infer<typeof EvidenceListInput>;

export const OutcomesInput = z.object({ instance: Reference, windowDays: WindowDays.optional() });
export type OutcomesInput = z.infer<typeof OutcomesInput>;

// Namespaces as Airflow and dbt-ol send them: free text, but bounded and non-empty.
const Namespace = z.string().trim().min(1).max(500);

export const SetNamespacesInput = z.object({
  instance: Reference,
  namespaces: z.array(Namespace).max(50),
  /** The instance version the caller saw; a stale one is a conflict. Omitted: the current one. */
  expectedVersion: z.number().int().positive().optional(),
});
export type SetNamespacesInput = z.infer<typeof SetNamespacesInput>;

export const SetOwnershipInput = z.object({
  tenant: Reference,
  rules: z.array(OwnershipRule.extend({ pattern: z.string().trim().min(1).max(300) })).max(1000),
});
export type SetOwnershipInput = z.infer<typeof SetOwnershipInput>;

/** One of: the text of a dbt_project.yml, or `{ project, constraints: { package: specifier } }`. */
export const DeclareConstraintsInput = z.object({
  tenant: Reference,
  dbtProjectYml: z.string().min(1).max(1_000_000).optional(),
  /** Must equal the `name:` of an uploaded dbt_project.yml when both are given. */
  project: z.string().trim().min(1).max(300).optional(),
  constraints: z.record(z.string(), z.string()).optional(),
});
export type DeclareConstraintsInput = z.infer<typeof DeclareConstraintsInput>;

export const IssueIngestionTokenInput = z.object({
  tenant: Reference,
  label: z.string().trim().min(1).max(200).optional(),
  /** 1..365, default 90: tokens always expire. */
  expiresInDays: z.number().int().min(1).max(365).optional(),
});
export type IssueIngestionTokenInput = z.infer<typeof IssueIngestionTokenInput>;

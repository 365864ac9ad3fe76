import { z } from 'zod';

/** A project's declared bound on a package: `require-dbt-version` is one on dbt-core. */
export const DeclaredConstraint = z.object({
  project: z.string().min(1),
  package: z.string().min(1),
  /** A PEP 440 specifier set, e.g. `>=1.10.0,<1.11.0`. */
  specifier: z.string(),
});
export type DeclaredConstraint = z.infer<typeof DeclaredConstraint>;

/** The plain JSON form: `{ project: 'finance', constraints: { 'dbt-core': '>=1.11' } }`. */
export const ProjectConstraints = z.object({
  project: z.string().min(1),
  constraints: z.record(z.string(), z.string()),
});
export type ProjectConstraints = z.infer<typeof ProjectConstraints>;

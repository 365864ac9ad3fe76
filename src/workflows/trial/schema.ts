import { z } from 'zod';
import { InstanceRef } from '../schema.js';

/** A project's name: what owners and reports call it. */
export const ProjectName = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'letters, digits, dot, dash and underscore, up to 100');

/** A folder inside the repository: relative, no `..`, so a checkout never reaches outside itself. */
export const ProjectPath = z
  .string()
  .trim()
  .max(300)
  .refine(
    (path) =>
      path === '' || (!path.startsWith('/') && !path.split('/').some((part) => part === '..' || part === '')),
    'a relative folder inside the repository, without ..',
  );

export const AddProjectBody = z.object({
  name: ProjectName,
  repo: z.string().trim().min(1).max(2000),
  path: ProjectPath.default(''),
  owners: z.array(z.email()).max(50).default([]),
  /** A read-only token for an https repository; sealed at rest, never shown again. */
  credential: z.string().min(1).max(4000).optional(),
});
export type AddProjectBody = z.infer<typeof AddProjectBody>;

export const AddProjectInput = AddProjectBody.extend({ instance: InstanceRef });
export type AddProjectInput = z.infer<typeof AddProjectInput>;

export const StartTrialBody = z.object({
  /** Requirements to apply to today's image: `dbt-core==1.10.*`. */
  set: z.array(z.string().trim().min(1).max(500)).min(1).max(50),
});
export type StartTrialBody = z.infer<typeof StartTrialBody>;

export const StartTrialInput = StartTrialBody.extend({ instance: InstanceRef });
export type StartTrialInput = z.infer<typeof StartTrialInput>;

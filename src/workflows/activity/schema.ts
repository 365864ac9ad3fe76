import { z } from 'zod';
import type { ChangeKind } from './types.js';

export const ChangeKindName = z.enum([
  'rollback',
  'upgrade',
  'defect',
  'infrastructure',
  'platform-release',
] satisfies ChangeKind[]);

export const ChangeActivityInput = z.object({
  kind: ChangeKindName,
  /** The change's id (`rbr_...`, `def_...`, `ifc_...`); a platform release is named by its version. */
  id: z.string().trim().min(1).max(200),
});
export type ChangeActivityInput = z.infer<typeof ChangeActivityInput>;

import { z } from 'zod';
import { PERMISSIONS } from '../../domain/roles/index.js';
import type { Actor } from '../../domain/roles/index.js';
import { ChangeActivityInput, getChangeActivity } from '../../workflows/index.js';
import type { ChangeActivity } from '../../workflows/index.js';
import { actorOf } from '../access.js';
import { problems } from './problems.js';
import type { RouteDeps, TypedApp } from './types.js';

export const ActivityEntryBody = z
  .object({
    seq: z.number().int().describe('The audit entry this step was recorded as (ratchet audit list)'),
    auditHash: z.string(),
    at: z.string(),
    actor: z.object({ userId: z.string().nullable(), name: z.string(), role: z.string() }),
    action: z.string(),
    summary: z.string(),
    note: z.string().nullable(),
    reportHash: z.string().nullable(),
  })
  .meta({ id: 'ActivityEntry' });

export const ChangeActivityBody = z
  .object({
    kind: ChangeActivityInput.shape.kind,
    id: z.string(),
    title: z.string(),
    entries: z.array(ActivityEntryBody),
  })
  .meta({ id: 'ChangeActivity' });

// The wire type (src/workflows/activity/types.ts) and this schema describe the same answer.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const sameShape: Same<z.infer<typeof ChangeActivityBody>, ChangeActivity> = true;
void sameShape;

/** Issue 17: the activity history of any change, built from the audit log and the change's record. */
export function activityRoutes(app: TypedApp, { store }: RouteDeps): void {
  app.get(
    '/api/v1/changes/:kind/:id/activity',
    {
      // Everyone who may read a change may read its history; the workflow scopes it to the tenant.
      config: { roles: PERMISSIONS['image.read'] },
      schema: {
        summary: 'Who did what to a change, when, with which note and report hash (oldest first)',
        description:
          'kind: rollback, upgrade, defect, infrastructure or platform-release (id = its version). ' +
          "Each entry names its audit entry (seq, auditHash). Another tenant's change is a 404.",
        tags: ['activity'],
        params: ChangeActivityInput,
        response: { 200: ChangeActivityBody, ...problems(403, 404) },
      },
    },
    async (request) => getChangeActivity(store, actorOf<Actor>(request), request.params),
  );
}

/**
 * GET /api/v1/me: who the caller is, and what they may start (issue 18), so the dashboard offers a
 * request form from the server's answer instead of a copy of the permissions.
 */
import { z } from 'zod';
import { MeBody, RoleName } from '../schema.js';
import { listOf } from './same-shape.js';

/** Whether the caller may request one kind of image change, and who may. */
export const ImageRequestRightBody = z
  .object({
    allowed: z
      .boolean()
      .meta({ description: 'Whether POSTing a request of this kind is accepted from the caller.' }),
    roles: listOf(RoleName).meta({ description: 'The roles that may request it.' }),
    permission: z.string().meta({ description: 'The permission the request workflow asserts.' }),
  })
  .meta({ id: 'ImageRequestRight' });

export const ImageRequestRightsBody = z.object({
  rollback: ImageRequestRightBody,
  upgrade: ImageRequestRightBody,
});

/** Whether the caller may take one of the dashboard's actions, and who may. */
export const ActionRightBody = z
  .object({
    allowed: z
      .boolean()
      .meta({ description: 'Whether the API call behind this action is accepted from the caller.' }),
    roles: listOf(RoleName).meta({ description: 'The roles that may take it.' }),
    permission: z.string().meta({ description: 'The permission the workflow asserts.' }),
  })
  .meta({ id: 'ActionRight' });

const actionRight = (call: string) => ActionRightBody.meta({ description: call });

/** One entry per action of ACTION_PERMISSION (src/workflows/action-rights.ts). */
export const ActionRightsBody = z.object({
  publishRelease: actionRight('POST /api/v1/platform/releases (the first half of a hotfix).'),
  rollOutRelease: actionRight('POST /api/v1/platform/releases/{version}/rollouts (the second half).'),
  startTrial: actionRight('POST /api/v1/instances/{instanceId}/image/trials.'),
  cancelTrial: actionRight('POST /api/v1/instances/{instanceId}/image/trials/{trialId}/cancel.'),
  reportDefect: actionRight('POST /api/v1/defects.'),
  signOffInfrastructure: actionRight('POST /api/v1/infrastructure/changes/{id}/signoffs.'),
  applyInfrastructure: actionRight('POST /api/v1/infrastructure/changes/{id}/apply.'),
  applyInfrastructureOutsideWindow: actionRight(
    'POST /api/v1/infrastructure/changes/{id}/apply with an override, outside the planned window.',
  ),
  requeueDelivery: actionRight('POST /api/v1/deliveries/{deliveryId}/requeue.'),
});

export const MeAnswerBody = MeBody.extend({
  mayRequest: ImageRequestRightsBody.meta({
    description:
      'The image changes the caller may start (POST .../image/rollback-requests, .../image/upgrade-requests).',
  }),
  may: ActionRightsBody.meta({
    description:
      'The other actions the caller may take (a hotfix, a trial, a defect report, an infrastructure sign-off or apply, a requeue).',
  }),
}).meta({ id: 'Me' });
export type MeAnswerBody = z.infer<typeof MeAnswerBody>;

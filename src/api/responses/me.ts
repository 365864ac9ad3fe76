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

export const MeAnswerBody = MeBody.extend({
  mayRequest: ImageRequestRightsBody.meta({
    description:
      'The image changes the caller may start (POST .../image/rollback-requests, .../image/upgrade-requests).',
  }),
}).meta({ id: 'Me' });
export type MeAnswerBody = z.infer<typeof MeAnswerBody>;

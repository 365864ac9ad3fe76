import { z } from 'zod';
import { PERMISSIONS } from '../../domain/roles/index.js';
import type { Actor } from '../../domain/roles/index.js';
import { ImportImageInput, importImage } from '../../workflows/index.js';
import { actorOf } from '../access.js';
import { ImportedImageBody } from '../responses/index.js';
import { problems } from './problems.js';
import type { RouteDeps, TypedApp } from './types.js';

const InstanceParams = z.object({ instanceId: z.string().min(1) });

/** Onboarding a customer's image from their lock file (issue 17): `ratchet image import`. */
export function imageImportRoutes(app: TypedApp, { store }: RouteDeps): void {
  app.post(
    '/api/v1/instances/:instanceId/image/import',
    {
      config: { roles: PERMISSIONS['revision.record.image'] },
      schema: {
        summary:
          "Record an image the instance ran before Ratchet (or runs today) from the customer's lock file, validated against the package source",
        description:
          'Accepts requirements.txt (with or without --hash), pip freeze output, uv.lock and PEP 751 pylock.toml. The revision is recorded deployed at deployedAt (default now); earlier images are imported oldest first, before the first revision Ratchet recorded. Stored run evidence from deployedAt on is attributed to it. 409 with the findings of `image check` when the pins are not a consistent image on the source.',
        tags: ['image'],
        params: InstanceParams,
        body: ImportImageInput.omit({ instance: true }),
        response: { 201: ImportedImageBody, ...problems(403, 404, 409, 413, 503) },
      },
    },
    async (request, reply) => {
      const imported = await importImage(store, actorOf<Actor>(request), {
        ...request.body,
        instance: request.params.instanceId,
      });
      return reply.status(201).send(imported);
    },
  );
}

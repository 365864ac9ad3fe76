import { z } from 'zod';
import { rollbackPolicy } from '../../domain/policy/index.js';
import { PERMISSIONS } from '../../domain/roles/index.js';
import { LayerParam } from '../schema.js';
import { problems } from './problems.js';
import type { TypedApp } from './types.js';

const LayerPolicyBody = z.object({
  layer: LayerParam,
  title: z.string(),
  policy: z.string(),
  capability: z.enum(['never', 'by-request']),
  capabilityText: z.string(),
  responsibility: z.string(),
  reason: z.string(),
  remedy: z.string(),
});

export const PolicyBody = z
  .object({
    source: z.string(),
    layers: z.array(LayerPolicyBody),
    responsibilities: z.array(z.object({ scenario: z.string(), provider: z.string(), customer: z.string() })),
  })
  .meta({ id: 'RollbackPolicy' });

export function policyRoutes(app: TypedApp): void {
  app.get(
    '/api/v1/policy',
    {
      // Everyone signed in may read the rules they are held to.
      config: { roles: PERMISSIONS['tenant.read'] },
      schema: {
        summary: 'The rollback policy per layer and the responsibility matrix',
        tags: ['policy'],
        response: { 200: PolicyBody, ...problems() },
      },
    },
    async () => rollbackPolicy(),
  );
}

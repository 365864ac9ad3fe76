import { rollbackPolicy } from '../../domain/policy/index.js';
import { PERMISSIONS } from '../../domain/roles/index.js';
import { PolicyBody } from '../schema.js';
import { problems } from './problems.js';
import type { TypedApp } from './types.js';

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

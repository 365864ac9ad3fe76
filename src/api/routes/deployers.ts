import { z } from 'zod';
import { PERMISSIONS } from '../../domain/roles/index.js';
import type { Actor } from '../../domain/roles/index.js';
import {
  DeployerSettings,
  getInstanceDeployer,
  installDeployerHandOff,
  receiveDeployCallback,
  setInstanceDeployer,
  settleHandOffs,
} from '../../workflows/index.js';
import { actorOf } from '../access.js';
import { DeployCallbackBody, InstanceDeployerBody } from '../responses/index.js';
import { problems } from './problems.js';
import type { RouteDeps, TypedApp } from './types.js';

const InstanceParams = z.object({ instanceId: z.string().min(1) });

/**
 * Per-instance deployers (issue 4): the config routes, and the public callback a webhook deploy
 * target calls, authenticated by its HMAC signature alone.
 */
export function deployerRoutes(app: TypedApp, { store }: RouteDeps): void {
  const path = '/api/v1/instances/:instanceId/deployer';

  app.get(
    path,
    {
      config: { roles: PERMISSIONS['image.read'] },
      schema: {
        summary: "The instance's image deployer (record, webhook or command); customers see its kind only",
        tags: ['image'],
        params: InstanceParams,
        response: { 200: InstanceDeployerBody, ...problems(403, 404) },
      },
    },
    async (request) => getInstanceDeployer(store, actorOf<Actor>(request), request.params.instanceId),
  );

  app.put(
    path,
    {
      config: { roles: PERMISSIONS['image.deployer.configure'] },
      schema: {
        summary:
          "Choose the instance's image deployer; a webhook secret is stored but never shown again (secretSet)",
        tags: ['image'],
        params: InstanceParams,
        body: DeployerSettings,
        response: { 200: InstanceDeployerBody, ...problems(403, 404) },
      },
    },
    async (request) =>
      setInstanceDeployer(store, actorOf<Actor>(request), {
        instance: request.params.instanceId,
        deployer: request.body,
      }),
  );

  // The callback's signature covers the exact bytes received, so this scope keeps JSON bodies as text.
  void app.register((scope: TypedApp, _options, done) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, parsed) =>
      parsed(null, body),
    );
    scope.post(
      '/api/v1/deployments/callback',
      {
        config: { public: true },
        schema: {
          summary:
            'A webhook deploy target reports a revision deployed or failed: { instanceId, revision, status, reason? }, ' +
            'signed as Ratchet-Signature with the instance deployer secret (no bearer token)',
          tags: ['image'],
          response: { 200: DeployCallbackBody, ...problems(404, 409) },
        },
      },
      async (request) => {
        const rawBody = typeof request.body === 'string' ? request.body : '';
        const change = await receiveDeployCallback(store, request.headers, rawBody);
        return { id: change.id, state: change.state, stages: change.stages };
      },
    );
    done();
  });

  // The image workflow hands each pending revision it committed to the deployer; this server logs
  // what goes wrong, and waits for the running hand-offs when it closes.
  const uninstall = installDeployerHandOff(store, (error) =>
    app.log.error({ err: error }, 'deployer hand-off failed'),
  );
  app.addHook('onClose', async () => {
    uninstall();
    await settleHandOffs(store);
  });
}

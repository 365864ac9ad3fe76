import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { accessAdminRoutes } from './access-admin.js';
import { activityRoutes } from './activity.js';
import { deliveryRoutes } from './deliveries.js';
import { deployerRoutes } from './deployers.js';
import { evidenceRoutes } from './evidence.js';
import { imageRoutes } from './image.js';
import { imageImportRoutes } from './image-import.js';
import { instanceRoutes } from './instances.js';
import { lineageRoutes } from './lineage.js';
import { outcomesRoutes } from './outcomes.js';
import { defectRoutes } from './defects.js';
import { infrastructureRoutes } from './infrastructure.js';
import { platformRoutes } from './platform.js';
import { policyRoutes } from './policy.js';
import { statusRoutes } from './status.js';
import { tenantRoutes } from './tenants.js';
import { trialRoutes } from './trial.js';
import type { RouteDeps } from './types.js';

export type { RouteDeps, TypedApp } from './types.js';

/** Every /api/v1 route. A new route module is added here; the access hook refuses unguarded ones. */
export async function registerRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const typedApp = app.withTypeProvider<ZodTypeProvider>();
  tenantRoutes(typedApp, deps);
  instanceRoutes(typedApp, deps);
  policyRoutes(typedApp);
  accessAdminRoutes(typedApp, deps);
  deliveryRoutes(typedApp, deps);
  imageRoutes(typedApp, deps);
  imageImportRoutes(typedApp, deps);
  deployerRoutes(typedApp, deps);
  lineageRoutes(typedApp, deps);
  evidenceRoutes(typedApp, deps);
  outcomesRoutes(typedApp, deps);
  platformRoutes(typedApp, deps);
  defectRoutes(typedApp, deps);
  infrastructureRoutes(typedApp, deps);
  trialRoutes(typedApp, deps);
  activityRoutes(typedApp, deps);
  statusRoutes(typedApp, deps);
}

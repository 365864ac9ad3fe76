/** An instance's image deployer (src/workflows/deployers) on the wire: the secret is never in it. */
import { z } from 'zod';

export const InstanceDeployerBody = z
  .object({
    instanceId: z.string(),
    instanceName: z.string(),
    kind: z.enum(['record', 'webhook', 'command']),
    url: z.string().optional(),
    /** A webhook's secret is stored; it is never shown again. */
    secretSet: z.boolean().optional(),
    command: z.array(z.string()).readonly().optional(),
    timeoutMs: z.number().int().optional(),
    /** null while the instance uses the default (`record`) and nobody configured one. */
    updatedAt: z.string().nullable().optional(),
  })
  .meta({ id: 'InstanceDeployer' });
export type InstanceDeployerBody = z.infer<typeof InstanceDeployerBody>;

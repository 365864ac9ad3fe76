import { z } from 'zod';
import { InstanceRef } from '../schema.js';

/**
 * What `PUT .../deployer` accepts: a deployer config (src/delivery/deployers) whose webhook secret may
 * be left out to keep the stored one (the API never shows it back, so a client cannot resend it).
 */
export const DeployerSettings = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('record') }),
  z.object({
    kind: z.literal('webhook'),
    url: z.string().trim().min(1).max(2000),
    secret: z.string().min(1).max(500).optional(),
    timeoutMs: z.number().int().optional(),
  }),
  z.object({
    kind: z.literal('command'),
    command: z.array(z.string().min(1).max(2000)).max(100),
    timeoutMs: z.number().int().optional(),
  }),
]);
export type DeployerSettings = z.infer<typeof DeployerSettings>;

export const InstanceDeployerInput = z.object({ instance: InstanceRef, deployer: DeployerSettings });
export type InstanceDeployerInput = z.infer<typeof InstanceDeployerInput>;

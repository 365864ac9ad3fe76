import { z } from 'zod';

export const DeployerConfig = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('record') }),
  z.object({
    kind: z.literal('webhook'),
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
    secret: z.string().min(16, 'must be at least 16 characters'),
    timeoutMs: z.number().int().min(100).max(600_000).default(30_000),
  }),
  z.object({
    kind: z.literal('command'),
    /** Program and arguments, run without a shell: `['/opt/deploy/push-image', '--wait']`. */
    command: z.array(z.string().min(1)).min(1, 'must name at least the program to run'),
    timeoutMs: z
      .number()
      .int()
      .min(100)
      .max(6 * 3600_000)
      .default(600_000),
  }),
]);
export type DeployerConfig = z.input<typeof DeployerConfig>;

/** The body a webhook deploy target POSTs back when the deploy finished. */
export const DeployCallback = z
  .object({
    instanceId: z.string().min(1),
    revision: z.number().int().positive(),
    status: z.enum(['deployed', 'failed']),
    reason: z.string().min(1).optional(),
  })
  .refine((callback) => callback.status !== 'failed' || callback.reason !== undefined, {
    message: 'a failed deploy must say why in `reason`',
    path: ['reason'],
  });
export type DeployCallback = z.infer<typeof DeployCallback>;

import { z } from 'zod';

// Slugs and instance names appear in URLs and CLI arguments, so keep them to one safe alphabet.
export const TenantSlug = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'lowercase letters, digits and inner hyphens (max 63)');
export type TenantSlug = z.infer<typeof TenantSlug>;

export const InstanceName = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'lowercase letters, digits and inner hyphens (max 63)');
export type InstanceName = z.infer<typeof InstanceName>;

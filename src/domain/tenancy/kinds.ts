// Apart from schema.ts so the CLI can offer the choices without loading zod at startup.
import type { InstanceKind } from './types.js';

export const INSTANCE_KINDS: readonly InstanceKind[] = ['test', 'production'];

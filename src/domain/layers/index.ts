import type { Layer } from './types.js';

export type { Layer } from './types.js';

/** In the policy's order: from the ground up. */
export const LAYERS: readonly Layer[] = ['infrastructure', 'platform', 'image'];

export function isLayer(value: unknown): value is Layer {
  return typeof value === 'string' && (LAYERS as readonly string[]).includes(value);
}

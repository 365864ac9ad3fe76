import type { z } from 'zod';
import { InputError } from '../errors/index.js';
import type { Layer } from '../layers/types.js';
import { ImageContent, InfrastructureContent, PlatformContent } from './schema.js';
import type { LayerContent } from './types.js';

const CONTENT_SCHEMAS: { [L in Layer]: z.ZodType<LayerContent[L]> } = {
  infrastructure: InfrastructureContent,
  platform: PlatformContent,
  image: ImageContent,
};

/** Validates a revision's content for its layer; InputError lists every problem with its path. */
export function parseRevisionContent<L extends Layer>(layer: L, value: unknown): LayerContent[L] {
  const result = CONTENT_SCHEMAS[layer].safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `${issue.path.join('.') || '(content)'}: ${issue.message}`,
  );
  throw new InputError(`The ${layer} revision content is invalid: ${problems.join('; ')}.`, {
    remedy: `Send content shaped like the ${layer} layer expects.`,
    extra: { layer, problems },
  });
}

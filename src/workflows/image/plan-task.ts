/**
 * The dependency review of an image change as an offloadable task (src/offload): the package
 * source travels as its ref, not as an object, so a worker thread can open it itself.
 */
import type { PinnedPackage } from '../../python/index.js';
import { planImageChange } from '../../resolver/image/index.js';
import type { ImagePlan } from '../../resolver/image/index.js';
import { openPackageSource } from './source.js';

export interface PlanFromSourceInput {
  /** A simple-index URL or a find-links folder (`openPackageSource`). */
  readonly sourceRef: string;
  readonly python: string;
  readonly pins: readonly PinnedPackage[];
  readonly requests: readonly string[];
  readonly keep: readonly string[];
}

export async function planImageFromSource(input: PlanFromSourceInput): Promise<ImagePlan> {
  return planImageChange({
    source: openPackageSource(input.sourceRef),
    python: input.python,
    pins: input.pins,
    requests: input.requests,
    keep: input.keep,
  });
}

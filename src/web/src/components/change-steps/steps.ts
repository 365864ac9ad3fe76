import type { ImageChange, ImageNextStep } from '../../image-types';

/*
 * Presentation of an image change's steps only. Which steps exist, who owns them, from which states
 * and where they are posted come from the server with each change (`nextSteps`, read from the table
 * the workflow enforces: src/workflows/image/machine.ts), so none of it is written down here.
 */

export type StepName = ImageNextStep['step'];

/** How a step's button looks: the way forward, or a step that ends or overrides something. */
export const STEP_TONES: Partial<Record<StepName, 'primary' | 'danger'>> = {
  approve: 'primary',
  reject: 'danger',
  accept: 'primary',
  confirm: 'primary',
  signoff: 'primary',
  promote: 'primary',
  override: 'danger',
  deployed: 'primary',
  retry: 'primary',
};

/** Said where no step waits although the change has not ended. */
export function noStepWaiting(change: ImageChange): string {
  return `No step is waiting in state “${change.state}”.`;
}

import type { TrialVerdict } from './types.js';

/**
 * The trial's verdict for one project, from today's image to the candidate: ok -> fails breaks it,
 * fails -> ok fixes it, both ok leaves it unaffected, both failing leaves it still broken.
 */
export function trialVerdict(currentOk: boolean, candidateOk: boolean): TrialVerdict {
  if (currentOk) return candidateOk ? 'unaffected' : 'breaks';
  return candidateOk ? 'fixes' : 'still-broken';
}

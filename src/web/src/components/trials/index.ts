export { TrialsPanel } from './trials-panel';
export type { Trial } from './trial-types';

export { fleetStatus, instanceStatus } from './strip.js';
export type * from './types.js';

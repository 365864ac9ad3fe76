export { fleetStatus, instanceStatus } from './strip.js';
export type { InFlightItem, InFlightKind, InstanceStrip, LayerStrip, StripLayer } from './types.js';

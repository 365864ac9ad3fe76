export { InFlightSummary, InstanceStatusStrip, StatusStrip } from './status-strip';

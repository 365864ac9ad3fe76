export {
  listReleases,
  platformStatus,
  publishRelease,
  REPORT_DEFECT_PATH,
  rolloutRelease,
} from './releases.js';
export { PlatformStatusInput, PublishReleaseInput, RolloutInput } from './schema.js';
export type { InstancePlatformStatus, PlatformRelease, PlatformRollout } from './types.js';

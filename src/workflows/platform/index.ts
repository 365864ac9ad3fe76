export {
  listReleases,
  platformStatus,
  publishRelease,
  REPORT_DEFECT_PATH,
  rolloutRelease,
} from './releases.js';
export * from './schema.js';
export type * from './types.js';

export { getChangeActivity } from './activity.js';
export * from './schema.js';
export type * from './types.js';
export { CHANGE_KINDS } from './types.js';

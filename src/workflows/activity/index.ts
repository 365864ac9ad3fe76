export { getChangeActivity } from './activity.js';
export { ChangeActivityInput, ChangeKindName } from './schema.js';
export type { ActivityActor, ActivityEntry, ChangeActivity, ChangeKind } from './types.js';
export { CHANGE_KINDS } from './types.js';

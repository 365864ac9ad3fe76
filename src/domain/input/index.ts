export { JSON_MAX_DEPTH, checkJsonText, checkValue } from './json.js';
export type { JsonLimits } from './json.js';
export { describeUnsafe, printableName, unsafeCharacterIn } from './text.js';
export type { UnsafeCharacter } from './text.js';

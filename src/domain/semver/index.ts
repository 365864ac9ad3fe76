export type { Semver } from './types.js';
export { compareSemver, parseSemver } from './semver.js';

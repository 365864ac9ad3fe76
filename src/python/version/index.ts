export type { LocalSegment, PreRelease, PreReleasePhase, Version } from './types.js';
export { isPrerelease, isValidVersion, normalizeVersion, parseVersion, tryParseVersion } from './parse.js';
export { compareParsed, compareVersions } from './compare.js';

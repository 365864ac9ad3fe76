export type { PrereleaseOptions, Specifier, SpecifierOperator, SpecifierSet } from './types.js';
export type { SpecifierSetOptions } from './set.js';
export { parseSpecifier } from './parse.js';
export { parseSpecifierSet } from './set.js';
export type { VersionList } from './many.js';
export { admittedFlags, versionList } from './many.js';

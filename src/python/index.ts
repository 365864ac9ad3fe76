// The public face of Ratchet's Python packaging semantics (ARCHITECTURE.md "Layout": src/python).
export { isValidProjectName, normalizeName } from './names/index.js';
export {
  compareParsed,
  compareVersions,
  isPrerelease,
  isValidVersion,
  normalizeVersion,
  parseVersion,
  tryParseVersion,
} from './version/index.js';
export type { LocalSegment, PreRelease, PreReleasePhase, Version } from './version/index.js';
export { admittedFlags, parseSpecifier, parseSpecifierSet, versionList } from './specifier/index.js';
export type {
  PrereleaseOptions,
  Specifier,
  SpecifierOperator,
  SpecifierSet,
  SpecifierSetOptions,
  VersionList,
} from './specifier/index.js';
export {
  evaluateMarker,
  markerEnvironment,
  markerFromTree,
  parseMarker,
  parseMarkerFrom,
} from './marker/index.js';
export type {
  Marker,
  MarkerEnvironment,
  MarkerNode,
  MarkerOperator,
  MarkerPlatform,
  MarkerValue,
  MarkerVariable,
} from './marker/index.js';
export { parseRequirement } from './requirement/index.js';
export type { Requirement } from './requirement/index.js';
export { parseRequirementsTxt, renderPylockToml, renderRequirementsTxt } from './lock/index.js';
export type {
  LockFile,
  ParsedRequirementsTxt,
  PinnedPackage,
  PylockOptions,
  RequirementsTxtOptions,
} from './lock/index.js';
// export * from './metadata/index.js';

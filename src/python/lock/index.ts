export type {
  LockFile,
  ParsedRequirementsTxt,
  PinnedPackage,
  PylockOptions,
  RequirementsTxtOptions,
} from './types.js';
export { renderPylockToml, renderRequirementsTxt } from './render.js';
export { parseRequirementsTxt } from './read.js';

export type { CoreMetadata, ParsedCoreMetadata } from './types.js';
export { parseCoreMetadata } from './parse.js';

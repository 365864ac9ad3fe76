export type { SimpleIndexOptions } from './client.js';
export { openSimpleIndex, SIMPLE_ACCEPT } from './client.js';
export { defaultCacheDir } from './cache-dir.js';
export type { SimpleHtmlAnchor } from './html.js';
export { decodeHtmlEntities, parseSimpleHtml } from './html.js';
export { SimpleJsonFile, SimpleJsonProject } from './schema.js';

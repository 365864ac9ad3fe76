export type { SimpleIndexOptions } from './client.js';
export { openSimpleIndex, SIMPLE_ACCEPT } from './client.js';
export { defaultCacheDir } from './cache-dir.js';
export type { SimpleHtmlAnchor } from './html.js';
export { decodeHtmlEntities, parseSimpleHtml } from './html.js';
// The PEP 691 schemas stay out of this index: zod loads only when a JSON page arrives (client.ts).

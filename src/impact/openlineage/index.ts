export { RunEvent, RunEventType } from './schema.js';
export { parseEventBatch, parseRunEvent } from './parse.js';

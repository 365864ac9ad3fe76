export { RunEvent, RunEventType } from './schema.js';
export { describePosition, parseEventBatch, parseRunEvent } from './parse.js';
export type { ParsedBatch, Position } from './parse.js';

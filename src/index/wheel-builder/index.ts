// Writes small, valid, reproducible wheels: the demo's offline find-links folder and the tests use it.
export type { WheelSpec } from './build-wheel.js';
export { buildWheel, escapeWheelName, renderCoreMetadata, renderWheel } from './build-wheel.js';
export type { Universe, UniverseRelease } from './universe.js';
export { buildFindLinksFromUniverse } from './universe.js';
export type { ZipEntry } from './zip-writer.js';
export { writeZip } from './zip-writer.js';

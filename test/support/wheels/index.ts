export type { WheelSpec } from './build-wheel.js';
export { buildWheel, escapeWheelName, renderCoreMetadata, renderWheel } from './build-wheel.js';
export type { Universe, UniverseRelease } from './universe.js';
export { buildFindLinksFromUniverse } from './universe.js';
export type { DbtStackFolder, DbtStackRecord } from './dbt-stack.js';
export { buildDbtStackFindLinks, DBT_STACK_FIXTURE, readDbtStackRecords } from './dbt-stack.js';
export type { ZipEntry } from './zip-writer.js';
export { writeZip } from './zip-writer.js';

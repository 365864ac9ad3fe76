// The wheel writer is product code (the demo builds its find-links folder with it); tests reuse it.
export type {
  Universe,
  UniverseRelease,
  WheelSpec,
  ZipEntry,
} from '../../../src/index/wheel-builder/index.js';
export {
  buildFindLinksFromUniverse,
  buildWheel,
  escapeWheelName,
  renderCoreMetadata,
  renderWheel,
  writeZip,
} from '../../../src/index/wheel-builder/index.js';
export type { DbtStackFolder, DbtStackRecord } from './dbt-stack.js';
export { buildDbtStackFindLinks, DBT_STACK_FIXTURE, readDbtStackRecords } from './dbt-stack.js';

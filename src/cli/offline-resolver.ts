/**
 * What the offline resolver commands (`ratchet resolve`, `ratchet image check|plan`) load when they
 * run: the package sources and the resolver, behind one module so the compiled CLI reads it as one
 * bundle (dist/cli/offline-resolver.mjs, scripts/build-cli.mjs) instead of ~80 files (issue 15:
 * within 2x of uv, whose whole run is ~0.3 s). `ratchet --help` and the server commands skip it.
 */
export { openTarget } from './sources/index.js';
export { checkImage, planImageChange, resolveRequirements } from '../resolver/image/index.js';

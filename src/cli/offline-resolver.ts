/**
 * What the offline resolver commands (`ratchet resolve`, `ratchet image check|plan`) load when they
 * run: the package sources and the resolver, behind one module so the compiled CLI reads it as one
 * bundle (dist/cli/offline-resolver.mjs, scripts/build-cli.mjs) instead of ~80 files (issue 15:
 * within 2x of uv, whose whole run is ~0.3 s). `ratchet --help` and the server commands skip it.
 */
export { openTarget } from './sources/index.js';
export { checkImage, planImageChange, resolveRequirements } from '../resolver/image/index.js';

/**
 * Ends the process once its work is done (the event loop is empty: the answer written, the
 * find-links cache flushed), skipping the teardown of the heap a resolve leaves behind: tens of MB,
 * about 20 ms of a run that uv finishes in 300 (issue 15).
 */
export function exitWhenIdle(): void {
  process.once('beforeExit', (code) => process.exit(code));
}

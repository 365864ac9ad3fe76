/**
 * Every seed that ever made a property fail, by the full test name (`describe > it`), replayed in
 * every normal run (properties.ts). Never delete one: a seed that passes today guards the fix. The
 * input it found belongs in an explicit test too, since a changed generator replays differently.
 */
export const FAILED_SEEDS: Readonly<Record<string, readonly number[]>> = {};

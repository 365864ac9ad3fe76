import { parseVersion } from './parse.js';
import type { LocalSegment, Version } from './types.js';

const PHASE_ORDER = { a: 0, b: 1, rc: 2 } as const;

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

// PEP 440 "Release segment": trailing zeros do not matter, 1.0 == 1.0.0.
function compareRelease(a: readonly number[], b: readonly number[]): number {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return sign(diff);
  }
  return 0;
}

// The pre-release key of packaging's _cmpkey: a bare dev release ('1.0.dev0') sorts before every
// pre-release of the same release; a final release sorts after all of them.
function preKey(v: Version): [number, number] {
  if (v.pre === null && v.post === null && v.dev !== null) return [-Infinity, 0];
  if (v.pre === null) return [Infinity, 0];
  return [PHASE_ORDER[v.pre.phase], v.pre.number];
}

function compareLocalSegment(a: LocalSegment, b: LocalSegment): number {
  // PEP 440 "Local version identifiers": numeric segments sort after alphanumeric ones.
  if (typeof a === 'number' && typeof b === 'number') return sign(a - b);
  if (typeof a === 'number') return 1;
  if (typeof b === 'number') return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareLocal(a: readonly LocalSegment[] | null, b: readonly LocalSegment[] | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const diff = compareLocalSegment(a[i]!, b[i]!);
    if (diff !== 0) return diff;
  }
  return sign(a.length - b.length);
}

/** The PEP 440 total order over parsed versions (packaging's `_cmpkey`). */
export function compareParsed(a: Version, b: Version): number {
  if (a.epoch !== b.epoch) return sign(a.epoch - b.epoch);
  const release = compareRelease(a.release, b.release);
  if (release !== 0) return release;
  const [aPhase, aPre] = preKey(a);
  const [bPhase, bPre] = preKey(b);
  if (aPhase !== bPhase) return aPhase < bPhase ? -1 : 1;
  if (aPre !== bPre) return sign(aPre - bPre);
  // No post-release sorts before any post-release; no dev release sorts after any dev release.
  if (a.post !== b.post) return a.post === null ? -1 : b.post === null ? 1 : sign(a.post - b.post);
  if (a.dev !== b.dev) return a.dev === null ? 1 : b.dev === null ? -1 : sign(a.dev - b.dev);
  return compareLocal(a.local, b.local);
}

/**
 * PEP 440 total order: negative when `a` sorts before `b`, 0 when equal, positive after.
 * Throws `InputError` when either side is not a version.
 *
 * @example ['1.0', '1.0rc1', '1.0.post1'].sort(compareVersions) // ['1.0rc1', '1.0', '1.0.post1']
 */
export function compareVersions(a: string, b: string): number {
  return compareParsed(parseVersion(a), parseVersion(b));
}

import type { Semver } from './types.js';

// SemVer 2.0.0 §2, §9, §10: numeric parts without leading zeros, optional pre-release and build.
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** Parses a SemVer 2.0.0 string; null when it is not one (a leading `v` is not SemVer). */
export function parseSemver(text: string): Semver | null {
  const match = SEMVER.exec(text.trim());
  if (match === null) return null;
  const [, major, minor, patch, pre, build] = match;
  return {
    major: Number(major),
    minor: Number(minor),
    patch: Number(patch),
    prerelease: pre === undefined ? [] : pre.split('.'),
    build: build === undefined ? [] : build.split('.'),
  };
}

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

// SemVer §11.4: identifiers compare numerically when numeric, numeric < alphanumeric, then ASCII order.
function compareIdentifier(a: string, b: string): number {
  const aNumeric = /^\d+$/.test(a);
  const bNumeric = /^\d+$/.test(b);
  if (aNumeric && bNumeric) return sign(Number(a) - Number(b));
  if (aNumeric) return -1;
  if (bNumeric) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparePrerelease(a: readonly string[], b: readonly string[]): number {
  // SemVer §11.3: a release ranks above any of its pre-releases.
  if (a.length === 0 || b.length === 0) return sign(b.length - a.length);
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const diff = compareIdentifier(a[i]!, b[i]!);
    if (diff !== 0) return diff;
  }
  // §11.4.4: a larger set of identifiers ranks higher when all preceding ones are equal.
  return sign(a.length - b.length);
}

/**
 * Orders two SemVer versions by precedence (SemVer §11): -1, 0 or 1. Build metadata is ignored.
 * Throws TypeError on a string that is not SemVer; validate input first (PlatformContent does).
 *
 * @example compareSemver('3.10.0', '3.9.1') // 1 (numeric, not lexical)
 */
export function compareSemver(a: string | Semver, b: string | Semver): number {
  const left = typeof a === 'string' ? parseSemver(a) : a;
  const right = typeof b === 'string' ? parseSemver(b) : b;
  if (left === null || right === null) {
    throw new TypeError(`not a SemVer version: ${String(left === null ? a : b)}`);
  }
  return (
    sign(left.major - right.major) ||
    sign(left.minor - right.minor) ||
    sign(left.patch - right.patch) ||
    comparePrerelease(left.prerelease, right.prerelease)
  );
}

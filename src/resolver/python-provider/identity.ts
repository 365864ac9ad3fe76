/**
 * Package identities in the solver. Python itself is a virtual package with one version (the
 * target interpreter), so "requires Python >=3.12" becomes an ordinary, explainable conflict. An
 * extra is a virtual package `name[extra]` whose every version depends on `name` at the same
 * version plus the extra's own requirements (the approach of pubgrub-rs and uv).
 */
export const PYTHON = 'python';

export interface PackageIdentity {
  readonly name: string;
  readonly extra: string | null;
}

export function extraIdentity(name: string, extra: string): string {
  return `${name}[${extra}]`;
}

export function parseIdentity(identity: string): PackageIdentity {
  const open = identity.indexOf('[');
  if (open < 0 || !identity.endsWith(']')) return { name: identity, extra: null };
  return { name: identity.slice(0, open), extra: identity.slice(open + 1, -1) };
}

/** Is this identity a real distribution (not Python, not an extra)? */
export function isDistribution(identity: string): boolean {
  return identity !== PYTHON && !identity.includes('[');
}

import { InputError } from '../../domain/errors/index.js';
import type { LocalSegment, PreRelease, PreReleasePhase, Version } from './types.js';

// PEP 440 Appendix B, the permissive ("normalizable") pattern pip's packaging uses. Written with
// explicit ASCII classes and no `u` flag so that case-insensitive matching never folds non-ASCII
// letters such as 'ı' or 'ſ' into 'i' or 's' (packaging rejects '~=1.2.3poſt1').
const VERSION_PATTERN =
  'v?' +
  '(?:(?<epoch>[0-9]+)!)?' +
  '(?<release>[0-9]+(?:\\.[0-9]+)*)' +
  '(?<pre>[-_.]?(?<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<pre_n>[0-9]+)?)?' +
  '(?<post>(?:-(?<post_n1>[0-9]+))|(?:[-_.]?(?<post_l>post|rev|r)[-_.]?(?<post_n2>[0-9]+)?))?' +
  '(?<dev>[-_.]?(?<dev_l>dev)[-_.]?(?<dev_n>[0-9]+)?)?' +
  '(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?';

const VERSION = new RegExp(`^\\s*${VERSION_PATTERN}\\s*$`, 'i');

/** The same pattern without surrounding whitespace, for embedding in specifier parsing. */
export const VERSION_BODY = VERSION_PATTERN;

const PHASES: Readonly<Record<string, PreReleasePhase>> = {
  a: 'a',
  alpha: 'a',
  b: 'b',
  beta: 'b',
  c: 'rc',
  rc: 'rc',
  pre: 'rc',
  preview: 'rc',
};

function toNumber(digits: string | undefined): number {
  return digits === undefined ? 0 : Number(digits);
}

function render(
  parts: Omit<Version, 'text' | 'public' | 'isPrerelease' | 'isPostrelease' | 'isDevrelease'>,
): {
  text: string;
  public: string;
} {
  let pub = parts.epoch === 0 ? '' : `${String(parts.epoch)}!`;
  pub += parts.release.join('.');
  if (parts.pre) pub += `${parts.pre.phase}${String(parts.pre.number)}`;
  if (parts.post !== null) pub += `.post${String(parts.post)}`;
  if (parts.dev !== null) pub += `.dev${String(parts.dev)}`;
  const text = parts.local ? `${pub}+${parts.local.join('.')}` : pub;
  return { text, public: pub };
}

// Resolvers compare the same few hundred versions many times; parsed versions are immutable.
const CACHE = new Map<string, Version | null>();
const CACHE_LIMIT = 8192;

/** Parses without throwing; `null` when the text is not a PEP 440 version. */
export function tryParseVersion(text: string): Version | null {
  const cached = CACHE.get(text);
  if (cached !== undefined) return cached;
  const version = parseUncached(text);
  if (CACHE.size >= CACHE_LIMIT) CACHE.clear();
  CACHE.set(text, version);
  return version;
}

function parseUncached(text: string): Version | null {
  const groups = VERSION.exec(text)?.groups;
  if (!groups) return null;
  const release = groups.release!.split('.').map(Number);
  const pre: PreRelease | null = groups.pre_l
    ? { phase: PHASES[groups.pre_l.toLowerCase()]!, number: toNumber(groups.pre_n) }
    : null;
  // PEP 440 "Post-release spelling": '1.0-1' is the implicit post-release number form.
  const postDigits = groups.post_n1 ?? groups.post_n2;
  const post = groups.post === undefined ? null : toNumber(postDigits);
  const dev = groups.dev === undefined ? null : toNumber(groups.dev_n);
  // PEP 440 "Local version segments": lowercase, '-' and '_' become '.', integers lose leading zeros.
  const local: LocalSegment[] | null = groups.local
    ? groups.local
        .toLowerCase()
        .split(/[-_.]/)
        .map((segment) => (/^[0-9]+$/.test(segment) ? Number(segment) : segment))
    : null;
  const parts = { epoch: toNumber(groups.epoch), release, pre, post, dev, local };
  return {
    ...parts,
    ...render(parts),
    isPrerelease: pre !== null || dev !== null,
    isPostrelease: post !== null,
    isDevrelease: dev !== null,
  };
}

/** Parses a PEP 440 version; throws `InputError` when it is not one. */
export function parseVersion(text: string): Version {
  const version = tryParseVersion(text);
  if (version) return version;
  throw new InputError(`Invalid version '${text}': not a PEP 440 version`, {
    remedy: "Use a version like '1.10.2', '2.0rc1' or '1!2.0.post1' (PEP 440).",
    extra: { version: text },
  });
}

export function isValidVersion(text: string): boolean {
  return tryParseVersion(text) !== null;
}

/** PEP 440 normalized form, e.g. '1.0-ALPHA.1' -> '1.0a1'. Throws `InputError` on invalid input. */
export function normalizeVersion(text: string): string {
  return parseVersion(text).text;
}

/** True for pre-releases and developmental releases (PEP 440 "Handling of pre-releases"). */
export function isPrerelease(version: string): boolean {
  return parseVersion(version).isPrerelease;
}

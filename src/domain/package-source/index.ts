/**
 * The one way a package source is shown to people (issue 17 item 10): `image show`, the API's
 * `display` fields and the dashboard all print what this returns, so the same source never reads
 * as `file:///tmp/…` in one place and as an index URL in another. A source is a PEP 503/691
 * simple-index URL or a find-links folder (`file:` URL or absolute path); see
 * workflows/image/source.ts for how it is opened.
 */

export interface PackageSourceView {
  /** `index` for a simple repository API, `find-links` for a folder of distribution files. */
  readonly kind: 'index' | 'find-links';
  /** The URL of an index; the folder's path (not its file: URL) for find-links. */
  readonly location: string;
  /** The sentence fragment people read: `index https://pypi.org/simple`, `find-links folder /srv/wheels`. */
  readonly display: string;
}

/** `file:///srv/wheels%20x` -> `/srv/wheels x`, without node:url so the dashboard could use it too. */
function pathOfFileUrl(ref: string): string {
  const url = new URL(ref);
  return decodeURIComponent(url.pathname);
}

/**
 * @example describePackageSource('file:///tmp/ratchet-demo-wheels').display // 'find-links folder /tmp/ratchet-demo-wheels'
 * @example describePackageSource('https://pypi.org/simple/').display // 'index https://pypi.org/simple/'
 */
export function describePackageSource(ref: string): PackageSourceView {
  if (ref.startsWith('file:')) {
    const location = pathOfFileUrl(ref);
    return { kind: 'find-links', location, display: `find-links folder ${location}` };
  }
  if (ref.startsWith('/')) return { kind: 'find-links', location: ref, display: `find-links folder ${ref}` };
  return { kind: 'index', location: ref, display: `index ${ref}` };
}

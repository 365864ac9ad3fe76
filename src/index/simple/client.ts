import { createHash } from 'node:crypto';

import { InputError } from '../../domain/errors/index.js';
import { checkJsonText } from '../../domain/input/index.js';
import type { CoreMetadata } from '../../python/metadata/index.js';
import { normalizeName } from '../../python/names/index.js';
import { parseDistributionFilename } from '../filenames.js';
import { chooseMetadataFile, noWheel, notListed, parseReleaseMetadata } from '../release-metadata.js';
import { findListedVersion, groupReleases } from '../releases.js';
import type {
  FetchProgress,
  PackageSource,
  ProjectReleases,
  ReleaseFile,
  SourceObservers,
} from '../types.js';
import { readWheelMetadata } from '../wheel-metadata.js';
import type { MetadataCache } from './cache.js';
import { createMetadataCache } from './cache.js';
import { parseSimpleHtml } from './html.js';
import type { HttpOptions } from './http.js';
import { createSemaphore, getWithRetry } from './http.js';
import type { MetadataAvailability } from './schema.js';

/** PEP 691 "Content negotiation": JSON preferred, PEP 503 HTML as the fallback. */
export const SIMPLE_ACCEPT =
  'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01';

const JSON_TYPES = new Set([
  'application/vnd.pypi.simple.v1+json',
  'application/vnd.pypi.simple.latest+json',
]);
const HTML_TYPES = new Set([
  'application/vnd.pypi.simple.v1+html',
  'application/vnd.pypi.simple.latest+html',
  'text/html',
]);

// Strongest first; the first one a file lists (and Node knows) is checked.
const HASH_PREFERENCE = ['sha512', 'sha384', 'sha256', 'sha224', 'sha1', 'md5'];

export interface SimpleIndexOptions extends SourceObservers {
  /** Per attempt, body included. Default 30 000 ms. */
  readonly timeoutMs?: number;
  /** Extra attempts after the first on network errors, timeouts, 5xx and 429. Default 3. */
  readonly retries?: number;
  /** First backoff delay; doubles per retry. Default 250 ms. */
  readonly backoffMs?: number;
  /** Requests in flight at once. Default 8. */
  readonly concurrency?: number;
  /** Folder for the on-disk metadata cache (created on demand). Default: memory only. */
  readonly cacheDir?: string;
}

function checkOption(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) {
    throw new InputError(
      `openSimpleIndex: '${name}' must be an integer >= ${String(min)}, got ${String(value)}`,
      {
        remedy: `Pass ${name} as a whole number of at least ${String(min)}, or leave it out for ${String(fallback)}.`,
      },
    );
  }
  return value;
}

function pickHash(
  hashes: Readonly<Record<string, string>> | undefined,
): { name: string; digest: string } | null {
  for (const name of HASH_PREFERENCE) {
    const digest = hashes?.[name];
    if (digest !== undefined) return { name, digest: digest.toLowerCase() };
  }
  return null;
}

function verify(body: Buffer, hashes: Readonly<Record<string, string>> | undefined, url: string): void {
  const expected = pickHash(hashes);
  if (!expected) return;
  const actual = createHash(expected.name).update(body).digest('hex');
  if (actual === expected.digest) return;
  throw new InputError(`${url} does not match the ${expected.name} hash the index lists for it`, {
    remedy: 'The index or a proxy served other bytes than it advertised; report it to the index operator.',
    extra: { url, algorithm: expected.name, expected: expected.digest, actual },
  });
}

function withoutFragment(url: URL): string {
  const copy = new URL(url);
  copy.hash = '';
  return copy.href;
}

function malformed(url: string, detail: string): InputError {
  return new InputError(`The index answered ${url} with a malformed project page: ${detail}`, {
    remedy: 'Check that the URL points at a PEP 503/691 simple index (it usually ends in /simple/).',
    extra: { url },
  });
}

// PEP 714: `core-metadata` replaces `dist-info-metadata`; older servers only send the latter.
function metadataFields(
  file: Pick<ReleaseFile, 'url'>,
  availability: MetadataAvailability | undefined,
): Pick<ReleaseFile, 'metadataUrl' | 'metadataHashes'> {
  if (availability === undefined || availability === false) return {};
  // PEP 658: the metadata lives at the file's URL with `.metadata` appended.
  return { metadataUrl: `${file.url}.metadata`, metadataHashes: availability === true ? {} : availability };
}

/**
 * A URL from an index page, resolved against `base`. `new URL` throws a TypeError ("Invalid URL")
 * for text such as "//" or "http://[": the index's fault, so an InputError naming the page (issue 13).
 */
function resolveLink(reference: string, base: string, pageUrl: string, what: string): URL {
  try {
    return new URL(reference, base);
  } catch {
    throw malformed(pageUrl, `${what} '${reference.slice(0, 200)}' is not a URL`);
  }
}

async function filesFromJson(project: string, pageUrl: string, text: string): Promise<ProjectReleases> {
  let data: unknown;
  try {
    // Depth before parsing (issue 13): what follows (zod) recurses; a PEP 691 page nests 4 levels.
    checkJsonText(text, 'page');
  } catch (error) {
    throw malformed(pageUrl, (error as Error).message);
  }
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw malformed(pageUrl, `not JSON (${(error as Error).message})`);
  }
  // Loaded on the first JSON page: zod takes ~65 ms to load, which a find-links resolve never needs.
  const { SimpleJsonProject } = await import('./schema.js');
  const parsed = SimpleJsonProject.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw malformed(pageUrl, `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  // PEP 691 "Versioning": a client must refuse a major version it does not know.
  if (!parsed.data.meta['api-version'].startsWith('1.')) {
    throw malformed(pageUrl, `unsupported api-version ${parsed.data.meta['api-version']}`);
  }
  const files: ReleaseFile[] = [];
  for (const entry of parsed.data.files) {
    const kind = parseDistributionFilename(entry.filename, project)?.kind;
    if (kind === undefined) continue;
    const url = withoutFragment(resolveLink(entry.url, pageUrl, pageUrl, `file ${entry.filename} has url`));
    const yanked = entry.yanked === undefined || entry.yanked === false ? false : entry.yanked;
    files.push({
      filename: entry.filename,
      url,
      hashes: entry.hashes,
      requiresPython: entry['requires-python'] || null,
      yanked: yanked === false ? false : { reason: yanked === true || yanked === '' ? null : yanked },
      kind,
      ...(entry.size === undefined ? {} : { size: entry.size }),
      ...(entry['upload-time'] === undefined ? {} : { uploadTime: entry['upload-time'] }),
      ...metadataFields({ url }, entry['core-metadata'] ?? entry['dist-info-metadata']),
    });
  }
  return groupReleases(project, files, parsed.data.versions);
}

// PEP 658 in HTML: "true", or "<hashname>=<hexdigest>" of the metadata file.
function htmlAvailability(value: string | undefined): MetadataAvailability | undefined {
  if (value === undefined || value === 'false') return undefined;
  const equals = value.indexOf('=');
  if (equals <= 0) return true;
  return { [value.slice(0, equals).toLowerCase()]: value.slice(equals + 1) };
}

function filesFromHtml(project: string, pageUrl: string, html: string): ProjectReleases {
  const { base, anchors } = parseSimpleHtml(html);
  const baseUrl = base === null ? pageUrl : resolveLink(base, pageUrl, pageUrl, '<base href>').href;
  const files: ReleaseFile[] = [];
  for (const anchor of anchors) {
    const link = resolveLink(anchor.href, baseUrl, pageUrl, 'link');
    let filename = anchor.text;
    try {
      filename ||= decodeURIComponent(link.pathname.split('/').pop() ?? '');
    } catch {
      // A malformed %-escape (URIError) in a link is the index's fault, not ours.
      throw malformed(pageUrl, `link '${anchor.href}' has a malformed %-escape`);
    }
    const kind = parseDistributionFilename(filename, project)?.kind;
    if (kind === undefined) continue;
    // PEP 503: the URL fragment `#<hashname>=<hexdigest>` carries the file's hash.
    const fragment = /^#([a-z0-9]+)=([0-9a-f]+)$/i.exec(link.hash);
    const url = withoutFragment(link);
    const yankedReason = anchor.attributes.get('data-yanked');
    const requiresPython = anchor.attributes.get('data-requires-python');
    files.push({
      filename,
      url,
      hashes: fragment ? { [fragment[1]!.toLowerCase()]: fragment[2]!.toLowerCase() } : {},
      requiresPython: requiresPython || null,
      // PEP 592: the attribute's presence marks the file yanked; its value, if any, is the reason.
      yanked: yankedReason === undefined ? false : { reason: yankedReason || null },
      kind,
      ...metadataFields(
        { url },
        htmlAvailability(
          anchor.attributes.get('data-core-metadata') ?? anchor.attributes.get('data-dist-info-metadata'),
        ),
      ),
    });
  }
  return groupReleases(project, files);
}

/**
 * A PEP 503/691 simple index (`https://pypi.org/simple/`, a devpi or Artifactory mirror). Project
 * pages are fetched once per source (a resolution sees one consistent listing); metadata comes
 * from PEP 658 `.metadata` files when the index has them, else from the wheel itself, and is
 * cached in memory and, with `cacheDir`, on disk.
 *
 * @example const pypi = openSimpleIndex('https://pypi.org/simple/', { cacheDir: '.ratchet/cache' });
 */
export function openSimpleIndex(indexUrl: string, options: SimpleIndexOptions = {}): PackageSource {
  let root: URL;
  try {
    root = new URL(indexUrl.endsWith('/') ? indexUrl : `${indexUrl}/`);
  } catch {
    throw new InputError(`openSimpleIndex: '${indexUrl}' is not a URL`, {
      remedy: 'Pass the index root, e.g. https://pypi.org/simple/',
    });
  }
  if (root.protocol !== 'http:' && root.protocol !== 'https:') {
    throw new InputError(`openSimpleIndex: '${indexUrl}' is not an http(s) URL`, {
      remedy: 'Use --find-links for a local folder; --index-url takes http(s) URLs.',
    });
  }
  const http: HttpOptions = {
    timeoutMs: checkOption('timeoutMs', options.timeoutMs, 30_000, 1),
    retries: checkOption('retries', options.retries, 3, 0),
    backoffMs: checkOption('backoffMs', options.backoffMs, 250, 0),
    semaphore: createSemaphore(checkOption('concurrency', options.concurrency, 8, 1)),
  };
  const description = root.href;
  const cache: MetadataCache = createMetadataCache(options.cacheDir);
  const listings = new Map<string, Promise<ProjectReleases | null>>();
  const metadata = new Map<string, Promise<CoreMetadata>>();
  let started = 0;
  let finished = 0;

  function report(
    kind: FetchProgress['kind'],
    project: string,
    status: FetchProgress['status'],
    version?: string,
  ): void {
    if (!options.onProgress) return;
    if (status === 'start') started += 1;
    else finished += 1;
    options.onProgress({
      source: description,
      kind,
      project,
      status,
      done: finished,
      total: started,
      ...(version === undefined ? {} : { version }),
    });
  }

  async function tracked<T>(
    kind: FetchProgress['kind'],
    project: string,
    version: string | undefined,
    work: () => Promise<T>,
  ): Promise<T> {
    report(kind, project, 'start', version);
    try {
      const result = await work();
      report(kind, project, 'done', version);
      return result;
    } catch (error) {
      report(kind, project, 'error', version);
      throw error;
    }
  }

  async function fetchProject(project: string): Promise<ProjectReleases | null> {
    // PEP 503: the project URL is the normalized name with a trailing slash.
    const pageUrl = new URL(`${encodeURIComponent(project)}/`, root).href;
    const response = await getWithRetry(pageUrl, SIMPLE_ACCEPT, http);
    if (response.status === 404 || response.status === 410) return null;
    if (response.status < 200 || response.status >= 300) {
      throw new InputError(`The index answered ${pageUrl} with HTTP ${String(response.status)}`, {
        remedy:
          response.status === 401 || response.status === 403
            ? 'The index wants credentials; configure them for this index URL.'
            : 'Check the index URL.',
        extra: { url: pageUrl, status: response.status },
      });
    }
    const contentType = response.contentType.split(';')[0]!.trim().toLowerCase();
    const text = response.body.toString('utf8');
    if (JSON_TYPES.has(contentType)) return filesFromJson(project, response.url, text);
    if (HTML_TYPES.has(contentType)) return filesFromHtml(project, response.url, text);
    throw malformed(pageUrl, `unexpected content type '${response.contentType}'`);
  }

  function listReleases(name: string): Promise<ProjectReleases | null> {
    const project = normalizeName(name);
    let listing = listings.get(project);
    if (!listing) {
      listing = tracked('releases', project, undefined, () => fetchProject(project));
      listings.set(project, listing);
      // A failed fetch is not remembered: the next call tries again.
      listing.catch(() => listings.delete(project));
    }
    return listing;
  }

  async function download(
    url: string,
    hashes: Readonly<Record<string, string>> | undefined,
  ): Promise<Buffer | null> {
    const response = await getWithRetry(url, '*/*', http);
    if (response.status === 404 || response.status === 410) return null;
    if (response.status < 200 || response.status >= 300) {
      throw new InputError(`The index answered ${url} with HTTP ${String(response.status)}`, {
        remedy: 'Check the index; the file it lists cannot be downloaded.',
        extra: { url, status: response.status },
      });
    }
    verify(response.body, hashes, url);
    return response.body;
  }

  async function metadataText(
    project: string,
    file: ReleaseFile,
  ): Promise<{ text: string; cached: boolean }> {
    if (file.metadataUrl !== undefined) {
      const hash = pickHash(file.metadataHashes);
      const key = hash === null ? null : `${hash.name}=${hash.digest}`;
      const hit = await cache.get(file.metadataUrl, key);
      if (hit !== null) return { text: hit, cached: true };
      const body = await download(file.metadataUrl, file.metadataHashes);
      // An index that advertises a metadata file it cannot serve: read the wheel instead.
      if (body !== null) {
        const text = body.toString('utf8');
        await cache.set(file.metadataUrl, key, text);
        return { text, cached: false };
      }
    }
    const hash = pickHash(file.hashes);
    const key = hash === null ? null : `${hash.name}=${hash.digest}`;
    const hit = await cache.get(file.url, key);
    if (hit !== null) return { text: hit, cached: true };
    const wheel = await download(file.url, file.hashes);
    if (wheel === null) {
      throw new InputError(`The index lists ${file.url} but answers 404 for it`, {
        remedy: 'Report the broken file to the index operator, or pin another version.',
        extra: { url: file.url },
      });
    }
    const text = await readWheelMetadata(wheel, file.url, project);
    await cache.set(file.url, key, text);
    return { text, cached: false };
  }

  async function readMetadata(project: string, version: string): Promise<CoreMetadata> {
    const releases = await listReleases(project);
    const listed = releases ? findListedVersion(releases, version) : null;
    if (!releases || listed === null) throw notListed(description, project, version);
    const file = chooseMetadataFile(releases.versions.get(listed) ?? []);
    if (!file) throw noWheel(description, project, version);
    report('metadata', project, 'start', listed);
    try {
      const { text, cached } = await metadataText(project, file);
      const parsed = parseReleaseMetadata(
        text,
        { project, version: listed, label: file.metadataUrl ?? file.url },
        options.onWarning,
      );
      report('metadata', project, cached ? 'cached' : 'done', listed);
      return parsed;
    } catch (error) {
      report('metadata', project, 'error', listed);
      throw error;
    }
  }

  function fetchMetadata(name: string, version: string): Promise<CoreMetadata> {
    const project = normalizeName(name);
    const key = `${project}\n${version}`;
    let pending = metadata.get(key);
    if (!pending) {
      pending = readMetadata(project, version);
      metadata.set(key, pending);
      pending.catch(() => metadata.delete(key));
    }
    return pending;
  }

  return { description, listReleases, fetchMetadata };
}

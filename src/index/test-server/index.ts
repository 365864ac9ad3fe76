import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';

import { InputError } from '../../domain/errors/index.js';
import { parseCoreMetadata } from '../../python/metadata/index.js';
import { normalizeName } from '../../python/names/index.js';
import { compareVersions } from '../../python/version/index.js';
import { parseDistributionFilename } from '../filenames.js';
import { readWheelMetadata } from '../wheel-metadata.js';

export interface SimpleIndexServerOptions {
  /** A folder of wheels and sdists (plus optional `<wheel>.metadata` sidecars and `yanked.json`). */
  readonly dir: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** `negotiate` (default) follows the Accept header (PEP 691); `json`/`html` force one format. */
  readonly format?: 'negotiate' | 'json' | 'html';
  /** Serve and advertise PEP 658 `.metadata` files (default true). */
  readonly metadata?: boolean;
  /** Runs first for every request; return true when it has answered (to inject faults, delays). */
  readonly intercept?: (request: IncomingMessage, response: ServerResponse) => boolean;
}

export interface SimpleIndexServer {
  /** The index root, e.g. `http://127.0.0.1:41234/simple/`. */
  readonly url: string;
  /** `GET /simple/dbt-core/` per request received, in order (intercepted ones included). */
  readonly requests: string[];
  close(): Promise<void>;
}

interface ServedFile {
  readonly filename: string;
  readonly path: string;
  readonly version: string;
  readonly kind: 'wheel' | 'sdist';
  readonly sha256: string;
  readonly size: number;
  readonly uploadTime: string;
  readonly metadata: { text: string; sha256: string } | null;
  readonly requiresPython: string | null;
  readonly yanked: string | null;
}

const JSON_TYPE = 'application/vnd.pypi.simple.v1+json';
const HTML_TYPE = 'application/vnd.pypi.simple.v1+html';

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

// PEP 700: `yyyy-mm-ddThh:mm:ss.ffffffZ`.
function uploadTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * PEP 691 "Content negotiation": the highest-quality type the server can produce; with no
 * Accept header (or only `*\/*`), HTML, for clients from before PEP 691.
 */
function negotiate(accept: string | undefined): { format: 'json' | 'html'; type: string } {
  const offers = (accept ?? '')
    .split(',')
    .map((part, order) => {
      const [type = '', ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
      const q = params.find((param) => param.startsWith('q='));
      return { type, q: q === undefined ? 1 : Number(q.slice(2)), order };
    })
    .filter((offer) => offer.q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order);
  for (const offer of offers) {
    if (offer.type === JSON_TYPE || offer.type === 'application/vnd.pypi.simple.latest+json') {
      return { format: 'json', type: JSON_TYPE };
    }
    if (offer.type === HTML_TYPE || offer.type === 'application/vnd.pypi.simple.latest+html') {
      return { format: 'html', type: HTML_TYPE };
    }
    if (offer.type === 'text/html' || offer.type === '*/*') return { format: 'html', type: 'text/html' };
  }
  return { format: 'html', type: 'text/html' };
}

/**
 * Serves a folder of distributions over the real simple repository API: `/simple/` (the project
 * list), `/simple/<project>/` (PEP 503 HTML or PEP 691 JSON, with PEP 592 yanks read from
 * `yanked.json` `{ "<filename>": "<reason>" }`, PEP 658/714 metadata and PEP 700 fields) and
 * `/files/<filename>[.metadata]`. No dependencies beyond `node:http`: tests and benchmarks share
 * it, and pip can install from it. The folder is listed once at start.
 *
 * @example const server = await startSimpleIndexServer({ dir }); openSimpleIndex(server.url);
 */
export async function startSimpleIndexServer(options: SimpleIndexServerOptions): Promise<SimpleIndexServer> {
  const dir = resolve(options.dir);
  if (!existsSync(dir)) {
    throw new InputError(`startSimpleIndexServer: the folder ${dir} does not exist`, {
      remedy: 'Pass `dir`, a folder of wheels (see test/support/wheels).',
    });
  }
  const names = readdirSync(dir).sort();
  const present = new Set(names);
  const yankedPath = join(dir, 'yanked.json');
  const yanked = existsSync(yankedPath)
    ? (JSON.parse(readFileSync(yankedPath, 'utf8')) as Record<string, string | null>)
    : {};
  const serveMetadata = options.metadata ?? true;
  const format = options.format ?? 'negotiate';

  const byProject = new Map<string, string[]>();
  for (const filename of names) {
    const parsed = parseDistributionFilename(filename);
    if (!parsed) continue;
    byProject.set(parsed.name, [...(byProject.get(parsed.name) ?? []), filename]);
  }
  const details = new Map<string, Promise<ServedFile[]>>();

  async function describe(filename: string): Promise<ServedFile> {
    const parsed = parseDistributionFilename(filename)!;
    const path = join(dir, filename);
    const [data, info] = await Promise.all([readFile(path), stat(path)]);
    let metadata: ServedFile['metadata'] = null;
    let requiresPython: string | null = null;
    if (parsed.kind === 'wheel') {
      const text = present.has(`${filename}.metadata`)
        ? await readFile(join(dir, `${filename}.metadata`), 'utf8')
        : await readWheelMetadata(data, path, parsed.name);
      metadata = { text, sha256: sha256(text) };
      // Indexes fill data-requires-python from the uploaded metadata (PEP 503).
      requiresPython = parseCoreMetadata(text).metadata.requiresPython;
    }
    return {
      filename,
      path,
      version: parsed.version,
      kind: parsed.kind,
      sha256: sha256(data),
      size: data.length,
      uploadTime: uploadTime(info.mtime),
      metadata,
      requiresPython,
      yanked: filename in yanked ? (yanked[filename] ?? '') : null,
    };
  }

  function projectFiles(project: string): Promise<ServedFile[]> {
    let pending = details.get(project);
    if (!pending) {
      pending = Promise.all((byProject.get(project) ?? []).map(describe));
      details.set(project, pending);
    }
    return pending;
  }

  function renderProject(project: string, files: ServedFile[], as: 'json' | 'html'): string {
    const versions = [...new Set(files.map((file) => file.version))].sort(compareVersions);
    if (as === 'json') {
      return JSON.stringify({
        meta: { 'api-version': '1.1' },
        name: project,
        versions,
        files: files.map((file) => ({
          filename: file.filename,
          url: `../../files/${encodeURIComponent(file.filename)}`,
          hashes: { sha256: file.sha256 },
          'requires-python': file.requiresPython,
          size: file.size,
          'upload-time': file.uploadTime,
          ...(file.yanked === null ? {} : { yanked: file.yanked === '' ? true : file.yanked }),
          // PEP 714: send both names while clients (pip 23.2) still read the old one.
          ...(serveMetadata && file.metadata
            ? {
                'core-metadata': { sha256: file.metadata.sha256 },
                'dist-info-metadata': { sha256: file.metadata.sha256 },
              }
            : {}),
        })),
      });
    }
    const anchors = files.map((file) => {
      const attributes = [
        `href="../../files/${escapeHtml(encodeURIComponent(file.filename))}#sha256=${file.sha256}"`,
      ];
      if (file.requiresPython !== null)
        attributes.push(`data-requires-python="${escapeHtml(file.requiresPython)}"`);
      if (file.yanked !== null) attributes.push(`data-yanked="${escapeHtml(file.yanked)}"`);
      if (serveMetadata && file.metadata) {
        attributes.push(`data-core-metadata="sha256=${file.metadata.sha256}"`);
        attributes.push(`data-dist-info-metadata="sha256=${file.metadata.sha256}"`);
      }
      return `    <a ${attributes.join(' ')}>${escapeHtml(file.filename)}</a><br />`;
    });
    return [
      '<!DOCTYPE html>',
      '<html>',
      '  <head>',
      '    <meta name="pypi:repository-version" content="1.1">',
      `    <title>Links for ${escapeHtml(project)}</title>`,
      '  </head>',
      '  <body>',
      `    <h1>Links for ${escapeHtml(project)}</h1>`,
      ...anchors,
      '  </body>',
      '</html>',
      '',
    ].join('\n');
  }

  function renderRoot(as: 'json' | 'html'): string {
    const projects = [...byProject.keys()].sort();
    if (as === 'json') {
      return JSON.stringify({ meta: { 'api-version': '1.1' }, projects: projects.map((name) => ({ name })) });
    }
    const anchors = projects.map((name) => `    <a href="${escapeHtml(name)}/">${escapeHtml(name)}</a>`);
    return ['<!DOCTYPE html>', '<html>', '  <body>', ...anchors, '  </body>', '</html>', ''].join('\n');
  }

  function send(response: ServerResponse, status: number, type: string, body: string | Buffer): void {
    response.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
    response.end(body);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const chosen =
      format === 'json'
        ? { format: 'json' as const, type: JSON_TYPE }
        : format === 'html'
          ? { format: 'html' as const, type: HTML_TYPE }
          : negotiate(request.headers.accept);
    if (path === '/simple/') return send(response, 200, chosen.type, renderRoot(chosen.format));
    const project = /^\/simple\/([^/]+)(\/?)$/.exec(path);
    if (project) {
      const canonical = normalizeName(project[1]!);
      // PEP 503: clients may request any spelling; the server redirects to the normalized one.
      if (canonical !== project[1] || project[2] === '') {
        response.writeHead(301, { Location: `/simple/${encodeURIComponent(canonical)}/` });
        response.end();
        return;
      }
      if (!byProject.has(canonical)) return send(response, 404, 'text/plain', 'no such project\n');
      const files = await projectFiles(canonical);
      return send(response, 200, chosen.type, renderProject(canonical, files, chosen.format));
    }
    const file = /^\/files\/([^/]+)$/.exec(path);
    if (file) {
      const filename = file[1]!;
      if (filename.endsWith('.metadata') && serveMetadata) {
        const wheel = filename.slice(0, -'.metadata'.length);
        const parsed = parseDistributionFilename(wheel);
        if (parsed?.kind === 'wheel' && present.has(wheel)) {
          const served = (await projectFiles(parsed.name)).find((entry) => entry.filename === wheel);
          if (served?.metadata) return send(response, 200, 'text/plain; charset=utf-8', served.metadata.text);
        }
      }
      if (parseDistributionFilename(filename) && present.has(filename)) {
        return send(response, 200, 'application/octet-stream', await readFile(join(dir, filename)));
      }
    }
    send(response, 404, 'text/plain', 'not found\n');
  }

  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(`${request.method ?? 'GET'} ${request.url ?? '/'}`);
    if (options.intercept?.(request, response)) return;
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, 'text/plain', `${(error as Error).message}\n`);
      else response.destroy();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolveListen());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${String(port)}/simple/`,
    requests,
    close: () =>
      new Promise<void>((resolveClose) => {
        // Hanging test connections must not keep close() waiting.
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}

/**
 * Real index servers as peers (issue 15, item 3): the pinned dbt wheel set served by pypiserver
 * (PEP 503 HTML) and by devpi-server (PEP 691 JSON, PEP 658 metadata files), each started on a
 * free 127.0.0.1 port and stopped by this file. `ratchet resolve`, `image check` and `image plan`
 * through `--index-url` must answer exactly as they do from the folder (`--find-links`), and a
 * recording proxy in front of each server shows which protocol was spoken.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRatchet } from '../support/cli.js';
import { startDevpi, startPypiServer, startRecordingProxy } from '../support/index-servers.js';
import type { RecordingProxy, RunningIndex } from '../support/index-servers.js';
import { pythonTools } from '../support/python-tools.js';

const tools = pythonTools('the index-server peer tests', {
  venvs: ['tools', 'devpi'],
  wheels: ['dbt-duckdb'],
});

const PYTHON = '3.11';

/** Root requirement sets, satisfiable and not, over the dbt-duckdb wheel set (two dbt minors). */
const REQUIREMENT_SETS: readonly (readonly string[])[] = [
  ['dbt-core', 'dbt-duckdb'],
  ['dbt-core==1.10.*', 'dbt-duckdb'],
  ['dbt-duckdb==1.10.*', 'openlineage-dbt'],
  ['dbt-core==1.10.*', 'dbt-duckdb>=1.11'],
  ['dbt-core>=99'],
];

interface ResolveDocument {
  satisfiable: boolean;
  packages: Record<string, string>;
  explanation: string | null;
}

async function ratchetJson(args: readonly string[]): Promise<{ code: number; doc: Record<string, unknown> }> {
  const run = await runRatchet([...args, '--json']);
  expect([0, 1], `exit ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`).toContain(run.code);
  return { code: run.code, doc: JSON.parse(run.stdout) as Record<string, unknown> };
}

function resolveFrom(source: string[], requirements: readonly string[]): ReturnType<typeof ratchetJson> {
  return ratchetJson(['resolve', ...source, '--python', PYTHON, ...requirements]);
}

function lockOf(packages: Record<string, string>): string {
  return Object.entries(packages)
    .map(([name, version]) => `${name}==${version}\n`)
    .join('');
}

const scratch = mkdtempSync(join(tmpdir(), 'ratchet-index-servers-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.skipIf(tools === null)('real index servers as package sources', () => {
  const folder = (): string => tools!.wheels('dbt-duckdb').path;
  const fromFolder = new Map<string, { code: number; doc: Record<string, unknown> }>();
  let newestLock: string;

  beforeAll(async () => {
    for (const requirements of REQUIREMENT_SETS)
      fromFolder.set(requirements.join(' '), await resolveFrom(['--find-links', folder()], requirements));
    const newest = fromFolder.get(REQUIREMENT_SETS[0]!.join(' '))!.doc as unknown as ResolveDocument;
    expect(newest.satisfiable).toBe(true);
    newestLock = join(scratch, 'newest.txt');
    writeFileSync(newestLock, lockOf(newest.packages));
  }, 180_000);

  // The same questions through an index, compared with the folder's answers document for document.
  async function sameAnswers(index: RunningIndex): Promise<void> {
    for (const requirements of REQUIREMENT_SETS) {
      const expected = fromFolder.get(requirements.join(' '))!;
      const actual = await resolveFrom(['--index-url', index.url], requirements);
      expect({ requirements, ...actual }).toEqual({ requirements, ...expected });
    }
    const checkArgs = ['image', 'check', '--lock', newestLock, '--python', PYTHON];
    const checkFolder = await ratchetJson([...checkArgs, '--find-links', folder()]);
    const checkIndex = await ratchetJson([...checkArgs, '--index-url', index.url]);
    expect(checkFolder.doc['consistent']).toBe(true);
    expect(checkIndex).toEqual(checkFolder);

    const planArgs = ['image', 'plan', '--lock', newestLock, '--python', PYTHON, '--set', 'dbt-core==1.10.*'];
    const planFolder = await ratchetJson([...planArgs, '--find-links', folder()]);
    const planIndex = await ratchetJson([...planArgs, '--index-url', index.url]);
    expect(planFolder.doc['feasible']).toBe(true);
    // dbt-core 1.10 caps sqlparse below 0.5.5: the one co-change the real wheels force.
    expect(planFolder.doc['changes']).toEqual([
      expect.objectContaining({ name: 'dbt-core', requested: true, to: expect.stringMatching(/^1\.10\./) }),
      expect.objectContaining({ name: 'sqlparse', requested: false }),
    ]);
    expect(planIndex).toEqual(planFolder);
  }

  describe('pypiserver (PEP 503 HTML)', () => {
    let server: RunningIndex;
    let proxy: RecordingProxy;
    beforeAll(async () => {
      server = await startPypiServer(tools!, folder());
      proxy = await startRecordingProxy(server.url);
    }, 120_000);
    afterAll(async () => {
      await proxy?.stop();
      await server?.stop();
    });

    it(
      "gives the folder's answers to resolve, image check and image plan",
      { timeout: 300_000 },
      async () => {
        await sameAnswers(proxy);
      },
    );

    it('was read as HTML: every project page answered text/html, and no .metadata file was offered', () => {
      const pages = proxy.exchanges.filter((e) => e.path.startsWith('/simple/') && e.path.endsWith('/'));
      expect(pages.length).toBeGreaterThan(0);
      // Ratchet asked for JSON first (PEP 691 negotiation) and took the HTML it was given.
      expect(pages.every((e) => e.accept.includes('application/vnd.pypi.simple.v1+json'))).toBe(true);
      expect(pages.filter((e) => e.status === 200).every((e) => e.contentType.startsWith('text/html'))).toBe(
        true,
      );
      expect(proxy.exchanges.some((e) => e.path.endsWith('.metadata'))).toBe(false);
      // Without PEP 658, the metadata came out of the wheels themselves.
      expect(proxy.exchanges.some((e) => e.path.endsWith('.whl'))).toBe(true);
    });
  });

  describe('devpi-server (PEP 691 JSON, PEP 658 metadata)', () => {
    let server: RunningIndex;
    let proxy: RecordingProxy;
    beforeAll(async () => {
      server = await startDevpi(tools!, folder(), join(scratch, 'devpi'));
      proxy = await startRecordingProxy(server.url);
    }, 240_000);
    afterAll(async () => {
      await proxy?.stop();
      await server?.stop();
    });

    it(
      "gives the folder's answers to resolve, image check and image plan",
      { timeout: 300_000 },
      async () => {
        await sameAnswers(proxy);
      },
    );

    it('was read as PEP 691 JSON, with METADATA from PEP 658 files instead of wheels', () => {
      const pages = proxy.exchanges.filter((e) => e.path.includes('/+simple/') && e.path.endsWith('/'));
      expect(pages.length).toBeGreaterThan(0);
      expect(
        pages
          .filter((e) => e.status === 200)
          .every((e) => e.contentType.startsWith('application/vnd.pypi.simple.v1+json')),
      ).toBe(true);
      expect(proxy.exchanges.some((e) => e.path.endsWith('.whl.metadata') && e.status === 200)).toBe(true);
      expect(proxy.exchanges.some((e) => e.path.endsWith('.whl'))).toBe(false);
    });
  });
});

/**
 * Issue 8, "Bad input, as a corpus": every parser that reads outside data returns or throws the
 * project's InputError and nothing else, answers within a time bound on adversarial input, and is
 * deterministic. Round-trip properties where the parser has a printed form.
 */
import { deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InputError } from '../../src/domain/errors/index.js';
import { checkAsyncProperty, checkProperty } from '../support/properties.js';
import { parseEventBatch, parseRunEvent } from '../../src/impact/openlineage/index.js';
import { parseDbtProject } from '../../src/impact/dbt/index.js';
import { openSimpleIndex, readWheelMetadata } from '../../src/index/index.js';
import { parseSimpleHtml } from '../../src/index/simple/index.js';
import { parseDistributionFilename } from '../../src/index/filenames.js';
import {
  compareVersions,
  normalizeVersion,
  parseMarker,
  parseRequirement,
  parseRequirementsTxt,
  parseSpecifierSet,
  parseVersion,
} from '../../src/python/index.js';
import { parseCoreMetadata } from '../../src/python/metadata/index.js';

/** Per-call bound: generous for a loaded 2-core machine, far below catastrophic backtracking. */
const CALL_BOUND_MS = 200;
const RUNS = 400;

type Outcome = { ok: true; value: string } | { ok: false; message: string };

function describeValue(value: unknown): string {
  // Markers and specifiers hold functions; their printed form is their identity.
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'function' ? '[fn]' : v)) ?? 'undefined';
}

/** Runs `fn`, failing the test on any error other than InputError or on a slow call. */
function outcome(name: string, fn: () => unknown, input: unknown, boundMs = CALL_BOUND_MS): Outcome {
  const first = timedOutcome(name, fn, input);
  if (first.elapsed <= boundMs) return first.result;
  // A slow call is timed once more: a parser that is really slow (catastrophic backtracking,
  // quadratic scans) is slow both times, a test process paused by a busy machine is not.
  const again = timedOutcome(name, fn, input);
  if (again.elapsed > boundMs) {
    throw new Error(
      `${name} took ${first.elapsed.toFixed(0)} ms, then ${again.elapsed.toFixed(0)} ms, for ${JSON.stringify(input).slice(0, 200)}`,
    );
  }
  return again.result;
}

function timedOutcome(name: string, fn: () => unknown, input: unknown): { result: Outcome; elapsed: number } {
  const started = performance.now();
  let result: Outcome;
  try {
    result = { ok: true, value: describeValue(fn()) };
  } catch (error) {
    if (!(error instanceof InputError)) {
      throw new Error(
        `${name} threw ${(error as Error)?.name ?? typeof error} (${String((error as Error)?.message)}) for ${JSON.stringify(input).slice(0, 300)}`,
      );
    }
    result = { ok: false, message: error.message };
  }
  return { result, elapsed: performance.now() - started };
}

async function outcomeAsync(name: string, fn: () => Promise<unknown>, input: unknown): Promise<Outcome> {
  try {
    return { ok: true, value: describeValue(await fn()) };
  } catch (error) {
    if (!(error instanceof InputError)) {
      throw new Error(
        `${name} threw ${(error as Error)?.name ?? typeof error} (${String((error as Error)?.message)}) for ${String(input).slice(0, 300)}`,
      );
    }
    return { ok: false, message: error.message };
  }
}

/** Checks the contract and determinism: the same input gives the same outcome twice. */
function holds(name: string, fn: (input: string) => unknown, input: string): void {
  const first = outcome(name, () => fn(input), input);
  const second = outcome(name, () => fn(input), input);
  expect(second).toEqual(first);
}

// ---- generators -------------------------------------------------------------------------------

const versionPiece = fc.constantFrom(
  '0',
  '1',
  '2',
  '10',
  '01',
  '1.0',
  '2024',
  'a',
  'b',
  'rc',
  'c',
  'alpha',
  'pre',
  'preview',
  'post',
  'rev',
  'r',
  'dev',
  '.',
  '-',
  '_',
  '+',
  '!',
  '*',
  'local',
  'ubuntu',
  'v',
  'V',
  ' ',
  '1!',
  '.post',
  '.dev',
);
const nearVersion = fc.array(versionPiece, { maxLength: 10 }).map((parts) => parts.join(''));
const validVersion = fc
  .tuple(
    fc.option(fc.nat(3), { nil: undefined }),
    fc.array(fc.nat(30), { minLength: 1, maxLength: 4 }),
    fc.option(fc.tuple(fc.constantFrom('a', 'b', 'rc'), fc.nat(5)), { nil: undefined }),
    fc.option(fc.nat(5), { nil: undefined }),
    fc.option(fc.nat(5), { nil: undefined }),
  )
  .map(([epoch, release, pre, post, dev]) => {
    let text = epoch ? `${epoch}!` : '';
    text += release.join('.');
    if (pre) text += `${pre[0]}${pre[1]}`;
    if (post !== undefined) text += `.post${post}`;
    if (dev !== undefined) text += `.dev${dev}`;
    return text;
  });
const operator = fc.constantFrom('==', '!=', '<=', '>=', '<', '>', '~=', '===', '=', '=>', '~', '');
const nearSpecifier = fc
  .tuple(
    fc.array(fc.tuple(operator, fc.oneof(nearVersion, validVersion), fc.constantFrom('', '.*', ' ')), {
      maxLength: 4,
    }),
    fc.constantFrom(',', ', ', ' '),
  )
  .map(([clauses, separator]) => clauses.map(([op, v, tail]) => `${op}${v}${tail}`).join(separator));
const markerVariable = fc.constantFrom(
  'python_version',
  'python_full_version',
  'os_name',
  'sys_platform',
  'platform_release',
  'extra',
  'implementation_name',
  'platform_machine',
  'unknown_var',
  '"3.10"',
  "'linux'",
);
const markerOp = fc.constantFrom('==', '!=', '<', '>=', 'in', 'not in', '~=', '===', '=', 'and', 'or');
const markerAtom = fc
  .tuple(markerVariable, markerOp, fc.oneof(markerVariable, fc.constantFrom("'3.9'", '"win32"', "'", '"')))
  .map(([a, op, b]) => `${a} ${op} ${b}`);
const nearMarker = fc
  .array(fc.tuple(fc.constantFrom('', '(', '((', ')', 'not '), markerAtom, fc.constantFrom('', ')', '))')), {
    minLength: 1,
    maxLength: 4,
  })
  .chain((atoms) =>
    fc
      .array(fc.constantFrom(' and ', ' or ', ' ', ' AND ', ''), {
        minLength: atoms.length,
        maxLength: atoms.length,
      })
      .map((joins) =>
        atoms.map(([open, atom, close], i) => `${i > 0 ? joins[i] : ''}${open}${atom}${close}`).join(''),
      ),
  );
const projectName = fc.constantFrom(
  'dbt-core',
  'dbt_snowflake',
  'Apache.Airflow',
  'a',
  'x-',
  '-x',
  'pkg1',
  '',
);
const nearRequirement = fc
  .tuple(
    projectName,
    fc.constantFrom('', '[snowflake]', '[a,b]', '[', '[]', '[a,,b]'),
    fc.oneof(
      nearSpecifier,
      fc.constant(''),
      nearSpecifier.map((s) => ` (${s})`),
      fc.constantFrom(' @ https://x/y.whl', '@', ' @ nota-url'),
    ),
    fc.oneof(
      fc.constant(''),
      nearMarker.map((m) => `; ${m}`),
      fc.constant(';'),
    ),
  )
  .map((parts) => parts.join(''));

/** Adversarial 10k-character inputs: the shapes that make regexes and recursive descent blow up. */
const ADVERSARIAL = [
  '('.repeat(5000),
  ')'.repeat(5000),
  '.'.repeat(10_000),
  '*'.repeat(10_000),
  '1.'.repeat(5000),
  '1'.repeat(10_000),
  '=='.repeat(5000),
  `==${'1.'.repeat(4999)}*`,
  `a${'-'.repeat(9998)}!`,
  `a${'.a'.repeat(4999)}!`,
  `x; ${"python_version == '3' and ".repeat(400)}`,
  `x; ${'('.repeat(3000)}python_version == '3'${')'.repeat(3000)}`,
  `${' '.repeat(10_000)}x`,
  '"'.repeat(10_000),
  "'".repeat(10_000),
  '\\\n'.repeat(5000),
  `a[${'b,'.repeat(4999)}`,
  `1.0${'a'.repeat(9997)}`,
  `1!${'0.'.repeat(4999)}`,
  '\u0000'.repeat(10_000),
  '\uD800'.repeat(5000),
  `${'-r x\n'.repeat(2000)}`,
  `pkg==1.0 \\${'\n'.repeat(5000)}`,
  `pkg==1.0${' --hash=sha256:'.repeat(600)}`,
];

// ---- PEP 440 / 508 ----------------------------------------------------------------------------

const textParsers: readonly {
  name: string;
  parse: (text: string) => unknown;
  near: fc.Arbitrary<string>;
  boundMs?: number;
}[] = [
  { name: 'parseVersion', parse: parseVersion, near: fc.oneof(nearVersion, validVersion) },
  { name: 'normalizeVersion', parse: normalizeVersion, near: fc.oneof(nearVersion, validVersion) },
  { name: 'parseSpecifierSet', parse: (t) => parseSpecifierSet(t), near: nearSpecifier },
  { name: 'parseRequirement', parse: parseRequirement, near: nearRequirement },
  { name: 'parseMarker', parse: parseMarker, near: nearMarker },
  {
    name: 'parseRequirementsTxt',
    parse: parseRequirementsTxt,
    near: fc
      .tuple(
        fc.array(
          fc.oneof(
            nearRequirement,
            validVersion.map((v) => `pkg==${v}`),
            fc.constantFrom(
              '# comment',
              '-i https://x/simple',
              '--index-url',
              '-e .',
              '--hash=sha256:00',
              '\\',
              '-r other.txt',
              '',
            ),
          ),
          { maxLength: 8 },
        ),
        fc.constantFrom('\n', '\r\n', ' \\\n'),
      )
      .map(([lines, separator]) => lines.join(separator)),
  },
  {
    name: 'parseCoreMetadata',
    parse: parseCoreMetadata,
    near: fc
      .tuple(
        fc.array(
          fc.tuple(
            fc.constantFrom(
              'Metadata-Version',
              'Name',
              'Version',
              'Requires-Dist',
              'Requires-Python',
              'Provides-Extra',
              'Summary',
              'X',
              '',
              ' ',
            ),
            fc.constantFrom(': ', ':', ' : ', ''),
            fc.oneof(
              nearRequirement,
              nearVersion,
              nearSpecifier,
              fc.constantFrom('2.1', '2.4', '3.0', 'pkg', ''),
            ),
          ),
          { maxLength: 8 },
        ),
        fc.constantFrom('', '\n\nbody', '\n        continued'),
      )
      .map(([headers, tail]) => headers.map(([k, sep, v]) => `${k}${sep}${v}`).join('\n') + tail),
  },
  {
    name: 'parseDbtProject',
    parse: parseDbtProject,
    // The yaml library needs ~15-30 ms per 1,000 quote characters to report an unterminated string
    // (linear, measured): slow but bounded, so this parser gets a wider bound.
    boundMs: 1500,
    near: fc
      .tuple(
        fc.constantFrom(
          'name: finance',
          'name: ""',
          'name: [a]',
          'name:',
          '- a',
          'name: &a x',
          '',
          'name: !!binary AA==',
        ),
        fc.constantFrom(
          '',
          '\nrequire-dbt-version:',
          '\nrequire-dbt-version: ">=1.0"',
          '\nrequire-dbt-version: [1, 2]',
          '\nrequire-dbt-version: {a: b}',
          '\nrequire-dbt-version: *x',
          '\n\t- bad indent',
        ),
        fc.oneof(nearSpecifier, fc.constant('')),
      )
      .map(([a, b, c]) => `${a}${b}${c === '' ? '' : `\nrequire-dbt-version: ["${c}"]`}`),
  },
  { name: 'parseSimpleHtml', parse: parseSimpleHtml, near: fc.string() },
  {
    name: 'parseDistributionFilename',
    parse: (t) => parseDistributionFilename(t, 'pkg'),
    near: fc.string(),
  },
];

describe.each(textParsers)('$name', ({ name, parse, near, boundMs }) => {
  it('returns or throws InputError, deterministically, on arbitrary strings', () => {
    checkProperty(
      fc.property(
        fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 })),
        (text) => holds(name, parse, text),
      ),
      { numRuns: RUNS },
    );
  });

  it('returns or throws InputError, deterministically, on near-valid input', () => {
    checkProperty(
      fc.property(near, (text) => holds(name, parse, text)),
      { numRuns: RUNS },
    );
  });

  it(`answers within ${String(boundMs ?? CALL_BOUND_MS)} ms on adversarial 10k-character inputs`, () => {
    for (const text of ADVERSARIAL) outcome(name, () => parse(text), text, boundMs);
  });
});

describe('PEP 440 round trips and order', () => {
  it('normalizeVersion is idempotent and agrees with parseVersion', () => {
    checkProperty(
      fc.property(fc.oneof(validVersion, nearVersion), (text) => {
        let once: string;
        try {
          once = normalizeVersion(text);
        } catch (error) {
          expect(error).toBeInstanceOf(InputError);
          return;
        }
        expect(normalizeVersion(once)).toBe(once);
        expect(compareVersions(text, once)).toBe(0);
      }),
      { numRuns: RUNS },
    );
  });

  it('compareVersions is a total order: reflexive, antisymmetric, transitive', () => {
    checkProperty(
      fc.property(validVersion, validVersion, validVersion, (a, b, c) => {
        expect(compareVersions(a, a)).toBe(0);
        expect(Math.sign(compareVersions(a, b))).toBe(-Math.sign(compareVersions(b, a)));
        if (compareVersions(a, b) <= 0 && compareVersions(b, c) <= 0) {
          expect(compareVersions(a, c)).toBeLessThanOrEqual(0);
        }
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('a parsed requirement re-parses from its text to the same requirement', () => {
    let parsedCount = 0;
    checkProperty(
      fc.property(nearRequirement, (text) => {
        let first;
        try {
          first = parseRequirement(text);
        } catch {
          return;
        }
        parsedCount++;
        const again = parseRequirement(first.text);
        expect(again.text).toBe(first.text);
        expect(again.normalizedName).toBe(first.normalizedName);
        expect(again.extras).toEqual(first.extras);
        expect(again.specifier.text).toBe(first.specifier.text);
        expect(again.url).toBe(first.url);
        expect(again.marker?.text).toBe(first.marker?.text);
      }),
      { numRuns: RUNS },
    );
    // The generator must actually reach the success path, or the property proves nothing.
    expect(parsedCount).toBeGreaterThan(10);
  });

  it('a parsed marker re-parses from its text to the same text', () => {
    checkProperty(
      fc.property(nearMarker, (text) => {
        let first;
        try {
          first = parseMarker(text);
        } catch {
          return;
        }
        expect(parseMarker(first.text).text).toBe(first.text);
      }),
      { numRuns: RUNS },
    );
  });
});

// ---- OpenLineage ------------------------------------------------------------------------------

const VALID_EVENT = {
  eventType: 'COMPLETE',
  eventTime: '2025-01-01T00:00:00Z',
  producer: 'https://github.com/apache/airflow',
  schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
  run: {
    runId: '01939a6c-3b2c-7f0e-8a7e-1c2d3e4f5a6b',
    facets: {
      processing_engine: { name: 'Airflow', version: '2.10.4' },
      parent: {
        run: { runId: '01939a6c-3b2c-7f0e-8a7e-1c2d3e4f5a6c' },
        job: { namespace: 'ns', name: 'dag' },
      },
      errorMessage: { message: 'boom' },
      tags: { tags: [{ key: 'k', value: 'v' }] },
    },
  },
  job: {
    namespace: 'airflow',
    name: 'dag.task',
    facets: {
      sourceCodeLocation: { version: 'abc', repoUrl: 'https://x' },
      jobType: { integration: 'AIRFLOW' },
    },
  },
};

function leafPaths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([key, child]) => leafPaths(child, [...prefix, key]))];
}
const EVENT_PATHS = leafPaths(VALID_EVENT).filter((path) => path.length > 0);

function withField(path: readonly string[], replacement: unknown, remove: boolean): unknown {
  const copy = structuredClone(VALID_EVENT) as Record<string, unknown>;
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = path[path.length - 1]!;
  // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- removing the field is the mutation
  if (remove) delete node[last];
  else node[last] = replacement;
  return copy;
}

describe('parseRunEvent and parseEventBatch', () => {
  it('accept the valid event the mutations start from', () => {
    expect(parseRunEvent(VALID_EVENT).run.runId).toBe(VALID_EVENT.run.runId);
  });

  it('return or throw InputError when any field is removed or replaced by any JSON value', () => {
    checkProperty(
      fc.property(
        fc.constantFrom(...EVENT_PATHS),
        fc.jsonValue({ maxDepth: 3 }),
        fc.boolean(),
        (path, value, remove) => {
          const event = withField(path, value, remove);
          const first = outcome('parseRunEvent', () => parseRunEvent(event), event);
          expect(outcome('parseRunEvent', () => parseRunEvent(event), event)).toEqual(first);
          outcome('parseEventBatch', () => parseEventBatch([event, VALID_EVENT]), event);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('return or throw InputError on arbitrary JSON values and strings of any content type', () => {
    checkProperty(
      fc.property(
        fc.oneof(fc.jsonValue(), fc.string(), fc.json()),
        fc.constantFrom(undefined, 'application/json', 'application/x-ndjson', 'text/plain', ';;'),
        (body, contentType) => {
          outcome('parseRunEvent', () => parseRunEvent(body), body);
          const first = outcome('parseEventBatch', () => parseEventBatch(body, contentType), body);
          expect(outcome('parseEventBatch', () => parseEventBatch(body, contentType), body)).toEqual(first);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('answer within the bound on adversarial bodies', () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const deepObject = JSON.parse(`${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}`) as unknown;
    const bodies: unknown[] = [
      ...ADVERSARIAL,
      deep,
      deepObject,
      `${JSON.stringify(VALID_EVENT)}\n`.repeat(200),
    ];
    for (const body of bodies)
      outcome('parseEventBatch', () => parseEventBatch(body, 'application/x-ndjson'), body);
    for (const body of bodies) outcome('parseEventBatch', () => parseEventBatch(body), body);
  });
});

// ---- wheels -----------------------------------------------------------------------------------

/** A minimal zip (stored or deflated entries), enough to be a wheel or a corrupted one. */
function zip(entries: readonly { name: string; data: Buffer; deflate?: boolean }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const body = entry.deflate ? deflateRawSync(entry.data) : entry.data;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(entry.deflate ? 8 : 0, 8);
    local.writeUInt32LE(0, 14); // CRC left 0: yauzl does not check it unless asked
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(entry.deflate ? 8 : 0, 10);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

describe('readWheelMetadata', () => {
  const metadata = Buffer.from('Metadata-Version: 2.1\nName: pkg\nVersion: 1.0\n');
  const wheel = zip([
    { name: 'pkg-1.0.dist-info/METADATA', data: metadata, deflate: true },
    { name: 'pkg/__init__.py', data: Buffer.from('') },
  ]);

  it('reads the METADATA of a well-formed wheel (the corruptions start from it)', async () => {
    expect(await readWheelMetadata(wheel, 'pkg.whl', 'pkg')).toContain('Name: pkg');
  });

  it('returns or throws InputError on random bytes and on a wheel with bytes flipped or cut', async () => {
    await checkAsyncProperty(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes)),
          fc
            .tuple(
              fc.nat(wheel.length - 1),
              fc.integer({ min: 0, max: 255 }),
              fc.nat(wheel.length),
              fc.boolean(),
            )
            .map(([at, byte, cut, flipOnly]) => {
              const copy = Buffer.from(wheel);
              copy[at] = byte;
              return flipOnly ? copy : copy.subarray(0, cut);
            }),
          fc
            .array(fc.tuple(fc.string({ maxLength: 40 }), fc.uint8Array({ maxLength: 64 }), fc.boolean()), {
              maxLength: 4,
            })
            .map((entries) =>
              zip(entries.map(([name, data, deflate]) => ({ name, data: Buffer.from(data), deflate }))),
            ),
        ),
        async (bytes) => {
          const first = await outcomeAsync(
            'readWheelMetadata',
            () => readWheelMetadata(bytes, 'fuzz.whl', 'pkg'),
            bytes.toString('hex'),
          );
          const second = await outcomeAsync(
            'readWheelMetadata',
            () => readWheelMetadata(bytes, 'fuzz.whl', 'pkg'),
            bytes.toString('hex'),
          );
          expect(second).toEqual(first);
        },
      ),
      { numRuns: 300 },
    );
  });
});

// ---- simple API (PEP 691 JSON, PEP 503 HTML) as the client receives it ------------------------

describe('simple index project pages', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  async function listWith(body: string, contentType: string): Promise<Outcome> {
    vi.stubGlobal(
      'fetch',
      async () => new Response(body, { status: 200, headers: { 'content-type': contentType } }),
    );
    const index = openSimpleIndex('https://index.invalid/simple/', { retries: 0, timeoutMs: 2000 });
    const started = performance.now();
    const result = await outcomeAsync(
      'listReleases',
      () => index.listReleases('pkg'),
      `${contentType} ${body}`,
    );
    const elapsed = performance.now() - started;
    if (elapsed > CALL_BOUND_MS * 2)
      throw new Error(`listReleases took ${elapsed.toFixed(0)} ms for ${body.slice(0, 200)}`);
    return result;
  }

  const jsonFile = fc.record(
    {
      filename: fc.oneof(
        fc.constantFrom('pkg-1.0-py3-none-any.whl', 'pkg-1.0.tar.gz', 'pkg-x-y.whl', 'other-1.0.tar.gz'),
        fc.string(),
      ),
      url: fc.oneof(
        fc.constantFrom('pkg-1.0-py3-none-any.whl', 'https://x/pkg.whl', '::bad', '//', ''),
        fc.string(),
      ),
      hashes: fc.oneof(fc.constant({ sha256: '00' }), fc.dictionary(fc.string(), fc.jsonValue())),
      'requires-python': fc.oneof(fc.constant('>=3.9'), fc.string(), fc.jsonValue()),
      yanked: fc.oneof(fc.boolean(), fc.string(), fc.jsonValue()),
      'core-metadata': fc.oneof(fc.boolean(), fc.constant({ sha256: '00' }), fc.jsonValue()),
      'upload-time': fc.oneof(fc.constant('2025-01-01T00:00:00Z'), fc.string()),
    },
    { requiredKeys: [] },
  );
  const jsonPage = fc
    .record(
      {
        meta: fc.oneof(
          fc.constant({ 'api-version': '1.1' }),
          fc.record({ 'api-version': fc.oneof(fc.string(), fc.jsonValue()) }),
        ),
        name: fc.oneof(fc.constant('pkg'), fc.jsonValue()),
        files: fc.oneof(fc.array(jsonFile, { maxLength: 4 }), fc.jsonValue()),
        versions: fc.oneof(fc.array(fc.oneof(validVersion, nearVersion)), fc.jsonValue()),
      },
      { requiredKeys: [] },
    )
    .map((page) => JSON.stringify(page));
  const htmlPage = fc
    .array(
      fc.tuple(
        fc.constantFrom(
          'pkg-1.0-py3-none-any.whl',
          'pkg-1.0.tar.gz',
          '::',
          '%zz',
          'pkg-1.0.tar.gz#sha256=00',
          '',
        ),
        fc.constantFrom(
          '',
          ' data-yanked',
          ' data-yanked="why"',
          ' data-requires-python="&gt;=3.9"',
          ' data-core-metadata="sha256=00"',
          ' data-core-metadata="true"',
          ' x="',
        ),
        fc.oneof(fc.constant(''), fc.string({ maxLength: 20 })),
      ),
      { maxLength: 5 },
    )
    .map(
      (anchors) =>
        `<html><body>${anchors.map(([href, attrs, text]) => `<a href="${href}"${attrs}>${text}</a>`).join('\n')}</body></html>`,
    );

  // Fixed cases: inputs property runs once found (issue 13). A CI run found the first; the others
  // are its siblings (a URL `new URL` refuses, in the JSON file url, the HTML href and <base>).
  it.each([
    ['JSON file url "//" (found by the property test in CI)', 'json', '//'],
    ['JSON file url "http://["', 'json', 'http://['],
    ['JSON file url "https://a b"', 'json', 'https://a b/x.whl'],
    ['HTML href "//"', 'html', '//'],
    ['HTML <base href="//">', 'base', '//'],
    ['HTML <base href="http://[">', 'base', 'http://['],
  ])('%s is an InputError naming the page, not a TypeError', async (_label, where, url) => {
    const page =
      where === 'json'
        ? JSON.stringify({
            meta: { 'api-version': '1.1' },
            name: 'pkg',
            files: [{ filename: 'pkg-1.0-py3-none-any.whl', url, hashes: {} }],
          })
        : where === 'html'
          ? `<a href="${url}">pkg-1.0-py3-none-any.whl</a>`
          : `<base href="${url}"><a href="pkg-1.0-py3-none-any.whl">pkg-1.0-py3-none-any.whl</a>`;
    const answer = await listWith(
      page,
      where === 'json' ? 'application/vnd.pypi.simple.v1+json' : 'text/html',
    );
    expect(answer.ok).toBe(false);
    expect(answer.ok ? '' : answer.message).toMatch(/malformed project page: .*is not a URL/);
  });

  it('a PEP 700 size that is not a whole number of bytes is an InputError', async () => {
    for (const size of [-1, 1.5]) {
      const page = JSON.stringify({
        meta: { 'api-version': '1.1' },
        name: 'pkg',
        files: [{ filename: 'pkg-1.0-py3-none-any.whl', url: 'pkg-1.0-py3-none-any.whl', hashes: {}, size }],
      });
      const answer = await listWith(page, 'application/vnd.pypi.simple.v1+json');
      expect(answer.ok).toBe(false);
    }
  });

  it('JSON pages: return or throw InputError', async () => {
    await checkAsyncProperty(
      fc.asyncProperty(fc.oneof(jsonPage, fc.json(), fc.string()), async (body) => {
        await listWith(body, 'application/vnd.pypi.simple.v1+json');
      }),
      { numRuns: 250 },
    );
  });

  it('HTML pages: return or throw InputError', async () => {
    await checkAsyncProperty(
      fc.asyncProperty(fc.oneof(htmlPage, fc.string()), async (body) => {
        await listWith(body, 'text/html');
      }),
      { numRuns: 250 },
    );
  });

  it('adversarial pages answer within the bound', async () => {
    const pages = [
      '<a href="'.repeat(2000),
      `<a ${'x="y" '.repeat(2000)}href="pkg-1.0.tar.gz">`,
      '<'.repeat(10_000),
      `<!--${'-'.repeat(10_000)}`,
      '&#'.repeat(5000),
      ...ADVERSARIAL,
    ];
    for (const page of pages) {
      await listWith(page, 'text/html');
      await listWith(page, 'application/vnd.pypi.simple.v1+json');
    }
  });
});

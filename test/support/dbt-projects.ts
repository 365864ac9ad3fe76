/**
 * Real dbt projects in real local git repositories, for trial tests: each project is a repository
 * created in a temp dir (registered by `file://` URL), and the images are the complete, hashed pin
 * sets uv resolves offline from the `dbt-duckdb` wheel set (scripts/python-tools.toml).
 *
 * The behaviours were checked by running both dbt versions of the wheel set (1.10.23, 1.11.16):
 * - `adapted`: `require-dbt-version: ">=1.11.0"`: dbt 1.10 refuses to load it;
 * - `udf`: a model calls a user-defined function (`{{ function('double_it') }}`, new in dbt 1.11):
 *   dbt 1.10 fails to compile it ("'function' is undefined"), 1.11 compiles it;
 * - `spaces`: a model named with a space: an error since dbt 1.10 (D014), in both;
 * - `plain`: compiles on both, with two deprecations dbt 1.10 and 1.11 report as D0xx events
 *   (DuplicateYAMLKeysDeprecation D024, MissingArgumentsPropertyInGenericTestDeprecation D039).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'vitest';

export type DbtProjectKind = 'adapted' | 'udf' | 'spaces' | 'plain';

const PROJECT_YML = (name: string, extra = ''): string =>
  `name: ${name}\nversion: "1.0"\nprofile: ${name}\nconfig-version: 2\n${extra}`;

function files(kind: DbtProjectKind, name: string): Record<string, string> {
  switch (kind) {
    case 'adapted':
      return {
        'dbt_project.yml': PROJECT_YML(name, 'require-dbt-version: ">=1.11.0"\n'),
        'models/orders.sql': 'select 1 as id\n',
      };
    case 'udf':
      return {
        'dbt_project.yml': PROJECT_YML(name),
        'models/doubled.sql': "select {{ function('double_it') }}(2) as x\n",
        'functions/double_it.sql': 'x * 2\n',
        'functions/schema.yml':
          'functions:\n  - name: double_it\n    description: doubles\n    arguments:\n      - name: x\n        data_type: integer\n    returns:\n      data_type: integer\n',
      };
    case 'spaces':
      return { 'dbt_project.yml': PROJECT_YML(name), 'models/my model.sql': 'select 1 as id\n' };
    case 'plain':
      return {
        'dbt_project.yml': PROJECT_YML(name),
        'models/customers.sql': 'select 1 as id\n',
        'models/schema.yml':
          'version: 2\nmodels:\n  - name: customers\n    description: first\n    description: second\n    columns:\n      - name: id\n        tests:\n          - accepted_values:\n              values: [1]\n',
      };
  }
}

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Trial Test',
  GIT_AUTHOR_EMAIL: 'trial@example.com',
  GIT_COMMITTER_NAME: 'Trial Test',
  GIT_COMMITTER_EMAIL: 'trial@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

/** A git repository holding one dbt project (at `subdir` when given); returns its file:// URL and commit. */
export function createDbtRepo(
  root: string,
  kind: DbtProjectKind,
  options: { name?: string; subdir?: string } = {},
): { url: string; commit: string; dir: string } {
  const name = options.name ?? kind;
  const dir = join(root, `${name}-repo`);
  const projectDir = options.subdir === undefined ? dir : join(dir, options.subdir);
  for (const [path, text] of Object.entries(files(kind, name))) {
    mkdirSync(dirname(join(projectDir, path)), { recursive: true });
    writeFileSync(join(projectDir, path), text);
  }
  const git = (...args: string[]): string =>
    execFileSync('git', args, { cwd: dir, env: GIT_ENV, encoding: 'utf8' }).trim();
  git('init', '--quiet', '--initial-branch=main');
  git('add', '-A');
  git('commit', '--quiet', '-m', `${kind} project`);
  return { url: pathToFileURL(dir).href, commit: git('rev-parse', 'HEAD'), dir };
}

/** A pin as the trial takes it. */
export interface HashedPin {
  name: string;
  version: string;
  hashes: string[];
}

/** The complete image (every distribution, with sha256 hashes) uv resolves offline for `requirements`. */
export function resolveImagePins(
  uv: string,
  wheels: string,
  requirements: readonly string[],
  cacheDir: string,
): HashedPin[] {
  const text = execFileSync(
    uv,
    [
      'pip',
      'compile',
      '--quiet',
      '--no-header',
      '--no-annotate',
      '--generate-hashes',
      '--python-version',
      '3.11',
      '--no-index',
      '--find-links',
      wheels,
      '-',
    ],
    {
      input: `${requirements.join('\n')}\n`,
      encoding: 'utf8',
      env: { ...process.env, UV_CACHE_DIR: cacheDir, UV_OFFLINE: '1', UV_NO_CONFIG: '1' },
    },
  );
  const pins: HashedPin[] = [];
  for (const line of text.replaceAll('\\\n', ' ').split('\n')) {
    const match = /^([A-Za-z0-9._-]+)==(\S+)(.*)$/.exec(line.trim());
    if (match === null) continue;
    pins.push({
      name: match[1]!,
      version: match[2]!,
      hashes: [...match[3]!.matchAll(/--hash=(\S+)/g)].map((m) => m[1]!),
    });
  }
  return pins;
}

/** What `deployDbtLab` calls: a test server's `call` (src/api/test-server.ts). */
interface LabServer {
  call(
    method: string,
    path: string,
    options: { token: string; body: unknown },
  ): Promise<{ status: number; text: string }>;
}

/**
 * Creates the test instance `acme/acme-lab` and records and deploys its image revision 1: dbt-core
 * 1.11.16 with dbt-duckdb, the complete pin set uv resolves offline from `wheels`. The trial tests
 * start from it; each step must answer as the API promises, or the test stops there.
 */
export async function deployDbtLab(
  server: LabServer,
  token: string,
  tools: { uv: string; wheels: string; uvCache: string },
): Promise<void> {
  const lab = '/api/v1/instances/acme%2Facme-lab';
  const created = await server.call('POST', '/api/v1/tenants/acme/instances', {
    token,
    body: { name: 'acme-lab', kind: 'test' },
  });
  expect(created.status, created.text).toBe(201);
  const pins = resolveImagePins(
    tools.uv,
    tools.wheels,
    ['dbt-core==1.11.16', 'dbt-duckdb==1.11.1'],
    tools.uvCache,
  );
  const recorded = await server.call('POST', `${lab}/layers/image/revisions`, {
    token,
    body: {
      content: {
        python: '3.11',
        platform: '3.4.0',
        index: pathToFileURL(tools.wheels).href,
        packages: pins.map((p) => ({ name: p.name, version: p.version })),
      },
      reason: 'dbt 1.11 image',
      expectedRevision: 0,
    },
  });
  expect(recorded.status, recorded.text).toBe(201);
  const deployed = await server.call('POST', `${lab}/layers/image/revisions/1/deployed`, { token, body: {} });
  expect(deployed.status, deployed.text).toBe(200);
}

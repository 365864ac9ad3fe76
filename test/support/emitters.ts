/**
 * Real OpenLineage emitters for the evidence tests (issue 14): dbt environments built by uv from the
 * cached wheels (offline, as test/toolchain does), the tests' dbt projects in git repositories, and
 * `dbt-ol` runs configured the way the README tells a user (OPENLINEAGE__TRANSPORT__* variables).
 */
import { execFile } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { TestServer } from '../../src/api/test-server.js';
import type { ImageContent } from '../../src/domain/revisions/index.js';
import type { Actor } from '../../src/domain/roles/index.js';
import { createInstance } from '../../src/workflows/instances.js';
import { markRevisionDeployed, recordRevision } from '../../src/workflows/revisions.js';
import type { PythonTools } from './python-tools.js';
import { readPins } from './python-tools.js';

const run = promisify(execFile);

export const DBT_FIXTURES = resolve('test/fixtures/dbt');

/** One entry of `[wheels.dbt-duckdb]`: the pins a dbt environment is built from. */
export interface DbtPins {
  readonly dbtCore: string;
  readonly requirements: readonly string[];
}

export function dbtPins(): DbtPins[] {
  return readPins().wheels['dbt-duckdb']!.downloads.map((requirements) => ({
    dbtCore: requirements.find((r) => r.startsWith('dbt-core=='))!.slice('dbt-core=='.length),
    requirements,
  }));
}

/** A dbt virtual environment (its bin/ holds dbt and dbt-ol), built offline from the wheel cache. */
export async function buildDbtVenv(
  tools: PythonTools,
  pins: DbtPins,
  path: string,
  uvCache: string,
): Promise<string> {
  const uv = tools.command('tools', 'uv');
  const env = { ...process.env, UV_CACHE_DIR: uvCache, UV_NO_CONFIG: '1', UV_OFFLINE: '1' };
  await run(uv, ['venv', '--quiet', '--python', 'python3', path], { env });
  await run(
    uv,
    [
      'pip',
      'install',
      '--quiet',
      '--python',
      join(path, 'bin', 'python'),
      '--no-index',
      '--find-links',
      tools.wheels('dbt-duckdb').path,
      ...pins.requirements,
    ],
    { env },
  );
  return join(path, 'bin');
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Ratchet tests',
  GIT_AUTHOR_EMAIL: 'tests@ratchet.invalid',
  GIT_COMMITTER_NAME: 'Ratchet tests',
  GIT_COMMITTER_EMAIL: 'tests@ratchet.invalid',
};

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, env: { ...process.env, ...GIT_ENV } });
  return stdout.trim();
}

/** A test project copied into its own git repository (with a remote URL, as a clone has). */
export async function projectRepo(project: string, dir: string): Promise<string> {
  cpSync(join(DBT_FIXTURES, project), dir, { recursive: true });
  cpSync(join(DBT_FIXTURES, 'profiles.yml'), join(dir, 'profiles.yml'));
  await git(dir, ['init', '--quiet', '--initial-branch', 'main']);
  await git(dir, ['remote', 'add', 'origin', `https://git.example/acme/${project}.git`]);
  return dir;
}

/** Replaces text in a file of the repository and commits it; returns the new commit SHA. */
export async function commit(
  dir: string,
  message: string,
  edit?: { file: string; from: string; to: string },
): Promise<string> {
  if (edit !== undefined) {
    const path = join(dir, edit.file);
    const text = readFileSync(path, 'utf8');
    if (!text.includes(edit.from)) throw new Error(`${edit.file} does not contain ${edit.from}`);
    writeFileSync(path, text.replace(edit.from, edit.to));
  }
  await git(dir, ['add', '-A']);
  await git(dir, ['commit', '--quiet', '--allow-empty', '-m', message]);
  return git(dir, ['rev-parse', 'HEAD']);
}

/** What the README tells a user to set for dbt-ol or the Python client to send to Ratchet. */
export function transportEnv(url: string, token: string, namespace: string): Record<string, string> {
  return {
    OPENLINEAGE__TRANSPORT__TYPE: 'http',
    OPENLINEAGE__TRANSPORT__URL: url,
    OPENLINEAGE__TRANSPORT__ENDPOINT: 'api/v1/lineage',
    OPENLINEAGE__TRANSPORT__AUTH__TYPE: 'api_key',
    OPENLINEAGE__TRANSPORT__AUTH__API_KEY: token,
    OPENLINEAGE_NAMESPACE: namespace,
    // The commit SHA of the project (sourceCodeLocation), read from its git repository.
    OPENLINEAGE__FACETS__SOURCE_CODE_LOCATION__DISABLED: 'false',
  };
}

export interface DbtOlRun {
  readonly exitCode: number;
  readonly output: string;
}

/**
 * `dbt-ol run --consume-structured-logs` in a project: events are sent while dbt runs, and also
 * when dbt refuses to start (the default mode sends nothing then: it reads run_results.json).
 */
export async function dbtOlRun(
  bin: string,
  projectDir: string,
  env: Record<string, string>,
): Promise<DbtOlRun> {
  try {
    const { stdout, stderr } = await run(
      join(bin, 'dbt-ol'),
      ['run', '--consume-structured-logs', '--profiles-dir', '.', '--project-dir', '.'],
      {
        cwd: projectDir,
        env: {
          ...process.env,
          // dbt-ol starts `dbt` from PATH, as in an activated virtual environment.
          PATH: `${bin}:${process.env['PATH'] ?? ''}`,
          DBT_SEND_ANONYMOUS_USAGE_STATS: 'false',
          DBT_DUCKDB_PATH: join(projectDir, 'warehouse.duckdb'),
          ...env,
        },
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    return { exitCode: 0, output: `${stdout}\n${stderr}` };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { exitCode: failed.code ?? -1, output: `${failed.stdout ?? ''}\n${failed.stderr ?? ''}` };
  }
}

function imageOf(pins: DbtPins): ImageContent {
  return {
    python: '3.11',
    platform: '3.4.0',
    index: 'https://pypi.org/simple',
    packages: pins.requirements.map((requirement) => {
      const [name, version] = requirement.split('==') as [string, string];
      return { name, version };
    }),
  };
}

export interface EvidenceInstance {
  readonly id: string;
  /** Records an image revision with these pins and marks it deployed now; returns its number. */
  deploy(pins: DbtPins): Promise<number>;
}

/** A test instance of tenant acme whose namespace the emitters use, deployed by the provider engineer. */
export async function evidenceInstance(
  server: TestServer,
  name: string,
  namespace: string,
): Promise<EvidenceInstance> {
  const user = server.seed.users.providerEngineer.user;
  const engineer: Actor = { userId: user.id, name: user.name, role: user.role, tenantId: user.tenantId };
  const instance = await createInstance(server.store, engineer, {
    tenant: 'acme',
    name,
    kind: 'test',
    namespaces: [namespace],
  });
  return {
    id: instance.id,
    async deploy(pins) {
      const revision = await recordRevision(server.store, engineer, {
        instance: instance.id,
        layer: 'image',
        content: imageOf(pins),
        reason: `dbt-core ${pins.dbtCore}`,
      });
      await markRevisionDeployed(server.store, engineer, {
        instance: instance.id,
        layer: 'image',
        number: revision.number,
      });
      return revision.number;
    },
  };
}

/** An ingestion token of tenant acme, minted by its admin (bea) as the README says. */
export async function ingestionToken(server: TestServer, label: string): Promise<string> {
  const issued = await server.call('POST', '/api/v1/tenants/acme/ingestion-tokens', {
    token: server.seed.users.bea.token,
    body: { label },
  });
  if (issued.status !== 201) throw new Error(`ingestion token: ${String(issued.status)} ${issued.text}`);
  return String(issued.json.token);
}

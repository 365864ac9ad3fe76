/*
 * Runs a dbt project in a built environment and reads dbt's structured log (`--log-format json`:
 * one JSON object per line, `info.name`, `info.code`, `info.level`, `info.msg`). The profile is
 * generated here, never taken from the repository: a DuckDB database in a scratch folder when the
 * environment has dbt-duckdb (then `dbt compile`, which parses first and renders every model), else
 * a placeholder profile of the project's adapter so `dbt parse` can load it without connecting.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { TrialConfig } from './config.js';
import { childEnv, describeFailure, runProcess } from './process.js';
import type { DbtDeprecation, ProjectRun, TrialPin } from './types.js';

/** Adapters a placeholder profile can name for `dbt parse` (no connection is made while parsing). */
const PLACEHOLDER_OUTPUTS: Record<string, Record<string, unknown>> = {
  postgres: {
    type: 'postgres',
    host: 'localhost',
    user: 'trial',
    password: 'trial',
    port: 5432,
    dbname: 'trial',
    schema: 'trial',
    threads: 1,
  },
  snowflake: {
    type: 'snowflake',
    account: 'trial',
    user: 'trial',
    password: 'trial',
    database: 'trial',
    warehouse: 'trial',
    schema: 'trial',
    threads: 1,
  },
  redshift: {
    type: 'redshift',
    host: 'localhost',
    user: 'trial',
    password: 'trial',
    port: 5439,
    dbname: 'trial',
    schema: 'trial',
    threads: 1,
  },
};

const LOG_TAIL = 40;

interface LogLine {
  info?: { name?: unknown; code?: unknown; level?: unknown; msg?: unknown };
}

/** ANSI colour codes dbt puts in messages even in JSON logs. */
function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '').trim();
}

/** What the structured log says: the error events and the deprecations (event names ending in "Deprecation"). */
export function readDbtLog(output: string): {
  errors: string[];
  deprecations: DbtDeprecation[];
  lines: string[];
} {
  const errors: string[] = [];
  const deprecations: DbtDeprecation[] = [];
  const lines: string[] = [];
  for (const raw of output.split('\n')) {
    const text = raw.trim();
    if (text === '') continue;
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      // Not a log event (a traceback printed before logging started): keep it for the log tail.
      lines.push(text);
      continue;
    }
    const name = typeof line.info?.name === 'string' ? line.info.name : '';
    const code = typeof line.info?.code === 'string' ? line.info.code : '';
    const level = typeof line.info?.level === 'string' ? line.info.level : '';
    const msg = typeof line.info?.msg === 'string' ? plain(line.info.msg) : '';
    lines.push(`${level} ${code} ${name}: ${msg}`);
    // dbt 1.10+: every deprecation is an event `...Deprecation` with a D0xx code; the summary
    // (DeprecationsSummary) repeats them and is left out.
    if (name.endsWith('Deprecation')) {
      if (!deprecations.some((d) => d.name === name && d.message === msg))
        deprecations.push({ name, code, message: msg });
      continue;
    }
    if (level === 'error') errors.push(msg);
  }
  return { errors, deprecations, lines };
}

function projectProfileName(projectDir: string): string {
  const file = join(projectDir, 'dbt_project.yml');
  if (!existsSync(file)) throw new Error('The repository has no dbt_project.yml at the registered path.');
  const project = parseYaml(readFileSync(file, 'utf8')) as { profile?: unknown; name?: unknown } | null;
  const profile = project?.profile ?? project?.name;
  if (typeof profile !== 'string' || profile === '') throw new Error('dbt_project.yml names no profile.');
  return profile;
}

/** The adapter the environment provides: duckdb when dbt-duckdb is pinned, else the first placeholder one. */
export function adapterOf(pins: readonly TrialPin[]): string | null {
  const names = new Set(pins.map((pin) => pin.name.toLowerCase().replaceAll('_', '-')));
  if (names.has('dbt-duckdb')) return 'duckdb';
  return Object.keys(PLACEHOLDER_OUTPUTS).find((adapter) => names.has(`dbt-${adapter}`)) ?? null;
}

function profilesYaml(profile: string, adapter: string, scratch: string): string {
  const output =
    adapter === 'duckdb'
      ? { type: 'duckdb', path: join(scratch, 'trial.duckdb'), threads: 1 }
      : PLACEHOLDER_OUTPUTS[adapter];
  return `${JSON.stringify({ [profile]: { target: 'trial', outputs: { trial: output } } }, null, 2)}\n`;
}

/**
 * Runs `dbt compile` (DuckDB) or `dbt parse` (other adapters) for the project in `projectDir` with
 * the environment at `envPath`, and reports ok, the exact error and the deprecations.
 */
export async function runDbtProject(
  input: { envPath: string; projectDir: string; pins: readonly TrialPin[] },
  options: { config: TrialConfig; signal?: AbortSignal },
): Promise<ProjectRun> {
  const { config } = options;
  const scratchRoot = config.scratchDir ?? config.workDir;
  mkdirSync(scratchRoot, { recursive: true });
  const scratch = mkdtempSync(join(scratchRoot, 'run-'));
  try {
    const adapter = adapterOf(input.pins);
    if (adapter === null) {
      return failed(
        'The image has no dbt adapter a trial can use (dbt-duckdb, dbt-postgres, dbt-snowflake or dbt-redshift).',
      );
    }
    let profile: string;
    try {
      profile = projectProfileName(input.projectDir);
    } catch (error) {
      return failed((error as Error).message);
    }
    writeFileSync(join(scratch, 'profiles.yml'), profilesYaml(profile, adapter, scratch));
    const command = adapter === 'duckdb' ? 'compile' : 'parse';
    const python = join(input.envPath, 'bin', 'python');
    // The script is run by the environment's interpreter, so its (absolute) shebang never matters.
    const result = await runProcess(
      python,
      [
        join(input.envPath, 'bin', 'dbt'),
        command,
        '--log-format',
        'json',
        '--profiles-dir',
        scratch,
        '--target-path',
        join(scratch, 'target'),
        '--no-partial-parse',
        '--no-use-colors',
      ],
      {
        cwd: input.projectDir,
        env: childEnv({
          HOME: scratch,
          TMPDIR: scratch,
          DBT_SEND_ANONYMOUS_USAGE_STATS: 'false',
          DBT_LOG_PATH: join(scratch, 'logs'),
          DBT_PROFILES_DIR: scratch,
          DO_NOT_TRACK: '1',
        }),
        limits: config.limits,
        signal: options.signal,
      },
    );
    // The server's folders are nobody's business: paths inside the checkout are shown relative to it.
    const output = `${result.stdout}\n${result.stderr}`;
    const log = readDbtLog(output.replaceAll(`${input.projectDir}/`, '').replaceAll(input.projectDir, '.'));
    const ok = result.code === 0 && result.stopped === null;
    const error = ok
      ? null
      : result.stopped !== null
        ? describeFailure(`dbt ${command}`, result, config.limits)
        : log.errors
            .map((e) => e.replace(/^Encountered an error:\s*/, ''))
            .filter((e) => e !== '')
            .join('\n') || describeFailure(`dbt ${command}`, result, config.limits);
    return {
      ok,
      error,
      deprecations: log.deprecations,
      commands: [command],
      log: log.lines.slice(-LOG_TAIL),
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function failed(error: string): ProjectRun {
  return { ok: false, error, deprecations: [], commands: [], log: [] };
}

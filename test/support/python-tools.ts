/**
 * The pinned Python tools and wheel sets (scripts/python-tools.toml) as the tests see them. The
 * script itself says where they are (`scripts/python-tools --json`), so the cache location has one
 * truth. Tests that need a venv or wheel set call `pythonTools(...)` at module level: when something
 * is not installed, they skip with a printed reason, except under `CI=true` or
 * `RATCHET_REQUIRE_PYTHON_TOOLS=1`, where `.ci/run` has installed them and a gap is a failure.
 *
 * @example
 * const tools = pythonTools('uv builds dbt environments', { venvs: ['tools'], wheels: ['dbt-duckdb'] });
 * describe.skipIf(tools === null)('...', () => { tools!.command('tools', 'uv') ... });
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'smol-toml';

export const PYTHON_TOOLS_SCRIPT = resolve('scripts/python-tools');
export const PYTHON_TOOLS_PINS = resolve('scripts/python-tools.toml');

export interface Venv {
  path: string;
  bin: string;
  python: string;
  commands: Record<string, string>;
  complete: boolean;
  /** `pip freeze --all` of the venv: `name==version` lines. */
  installed: string[];
}

export interface WheelSet {
  path: string;
  python: string;
  complete: boolean;
  files: string[];
}

export interface Manifest {
  root: string;
  venvs: Record<string, Venv>;
  wheels: Record<string, WheelSet>;
}

export interface PythonTools {
  manifest: Manifest;
  venv(name: string): Venv;
  /** The absolute path of a program a venv's pins list under `commands`. */
  command(venv: string, command: string): string;
  wheels(name: string): WheelSet;
}

const REQUIRED = process.env['RATCHET_REQUIRE_PYTHON_TOOLS'] === '1' || process.env['CI'] === 'true';

let cached: Manifest | undefined;

export function readManifest(): Manifest {
  cached ??= JSON.parse(
    execFileSync('python3', [PYTHON_TOOLS_SCRIPT, '--json'], { encoding: 'utf8' }),
  ) as Manifest;
  return cached;
}

/** The pins file as written: `{ venvs: { name: { packages } }, wheels: { name: { downloads } } }`. */
export function readPins(): {
  venvs: Record<string, { packages: string[]; commands?: string[] }>;
  wheels: Record<string, { downloads: string[][]; python?: string }>;
} {
  return parse(readFileSync(PYTHON_TOOLS_PINS, 'utf8')) as ReturnType<typeof readPins>;
}

/**
 * The tools `what` needs, or null (after printing why) when some are not installed on a machine
 * where they are optional.
 */
export function pythonTools(
  what: string,
  needs: { venvs?: string[]; wheels?: string[] },
): PythonTools | null {
  const manifest = readManifest();
  const missing = [
    ...(needs.venvs ?? []).filter((name) => manifest.venvs[name]?.complete !== true).map((n) => `venv ${n}`),
    ...(needs.wheels ?? [])
      .filter((name) => manifest.wheels[name]?.complete !== true)
      .map((n) => `wheels ${n}`),
  ];
  if (missing.length > 0) {
    const reason = `${missing.join(', ')} not installed in ${manifest.root} (run scripts/python-tools)`;
    if (REQUIRED) throw new Error(`${what} needs the Python tools (CI=true): ${reason}`);
    console.warn(`Skipping ${what}: ${reason}.`);
    return null;
  }
  return {
    manifest,
    venv: (name) => manifest.venvs[name]!,
    command(venv, command) {
      const path = manifest.venvs[venv]?.commands[command];
      if (path === undefined)
        throw new Error(`scripts/python-tools.toml lists no command ${command} in venv ${venv}`);
      return path;
    },
    wheels: (name) => manifest.wheels[name]!,
  };
}

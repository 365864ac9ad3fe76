import { parse as parseYaml } from 'yaml';
import { InputError } from '../../domain/errors/index.js';
import { describeUnsafe, unsafeCharacterIn } from '../../domain/input/index.js';
import { normalizeName } from '../../python/names/index.js';
import { parseSpecifierSet } from '../../python/specifier/index.js';
import type { DeclaredConstraint } from './schema.js';
import { ProjectConstraints } from './schema.js';

/** What Ratchet reads from a `dbt_project.yml`. */
export interface DbtProject {
  readonly name: string;
  /** Each entry a PEP 440 specifier set; all must hold. Empty when the project declares none. */
  readonly requireDbtVersion: readonly string[];
}

const REMEDY =
  'Fix dbt_project.yml: `name` is a string and `require-dbt-version` a specifier or a list of them.';

/**
 * dbt writes version ranges as `>=1.10.0` or `[">=1.10.0", "<1.11.0"]`; its own matcher also
 * accepts a bare `1.10.0` (meaning exactly that version), which is not PEP 440, so we read it as
 * `==1.10.0`. Each entry must parse as a PEP 440 specifier set.
 */
function toSpecifier(entry: unknown, index: number | null): string {
  const field = index === null ? 'require-dbt-version' : `require-dbt-version[${index}]`;
  if (typeof entry !== 'string' || entry.trim() === '') {
    throw new InputError(`${field} must be a non-empty version specifier string`, {
      remedy: REMEDY,
      extra: { field },
    });
  }
  const text = entry.trim();
  const specifier = /^[0-9]/.test(text) ? `==${text}` : text;
  try {
    parseSpecifierSet(specifier);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new InputError(`${field} is not a valid version specifier: ${why}`, {
      remedy: REMEDY,
      extra: { field },
    });
  }
  return specifier;
}

/**
 * Reads a `dbt_project.yml`: the project name and its `require-dbt-version` (a string or a list of
 * specifiers, dbt's "require-dbt-version" config). Throws `InputError` naming the bad field.
 *
 * @example parseDbtProject('name: finance\nrequire-dbt-version: [">=1.11.0", "<1.12.0"]')
 */
export function parseDbtProject(yamlText: string): DbtProject {
  let document: unknown;
  try {
    // Warnings (unresolved tags and the like) would go to process warnings, i.e. the server's stderr;
    // an uploaded file is judged by its content below instead.
    document = parseYaml(yamlText, { logLevel: 'error' }) as unknown;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new InputError(`dbt_project.yml is not valid YAML: ${why}`, {
      remedy: REMEDY,
      extra: { field: 'body' },
    });
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new InputError('dbt_project.yml must be a mapping', { remedy: REMEDY, extra: { field: 'body' } });
  }
  const record = document as Record<string, unknown>;
  const name = record['name'];
  if (typeof name !== 'string' || name.trim() === '') {
    throw new InputError('name is required in dbt_project.yml', { remedy: REMEDY, extra: { field: 'name' } });
  }
  // YAML escapes ("\0", "\ud800") make characters the edge guard cannot see in the raw text.
  const unsafe = unsafeCharacterIn(name);
  if (unsafe !== undefined) {
    throw new InputError(`name in dbt_project.yml ${describeUnsafe(unsafe)}`, {
      remedy: REMEDY,
      extra: { field: 'name' },
    });
  }
  const required = record['require-dbt-version'];
  if (required === undefined || required === null) return { name: name.trim(), requireDbtVersion: [] };
  const requireDbtVersion = Array.isArray(required)
    ? required.map((entry, index) => toSpecifier(entry, index))
    : [toSpecifier(required, null)];
  return { name: name.trim(), requireDbtVersion };
}

/** The constraints a dbt project declares: `require-dbt-version` bounds dbt-core. */
export function constraintsOfDbtProject(project: DbtProject): DeclaredConstraint[] {
  return project.requireDbtVersion.map((specifier) => ({
    project: project.name,
    package: 'dbt-core',
    specifier,
  }));
}

/** Flattens the plain JSON form `{ project, constraints: { package: specifier } }`. */
export function constraintsFromJson(json: unknown): DeclaredConstraint[] {
  const result = ProjectConstraints.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.map(String).join('.') || 'body';
    throw new InputError(`${field}: ${issue.message}`, {
      remedy: 'Send { "project": "finance", "constraints": { "dbt-core": ">=1.11" } }.',
      extra: { field },
    });
  }
  return Object.entries(result.data.constraints).map(([pkg, specifier]) => {
    toSpecifier(specifier, null);
    return { project: result.data.project, package: normalizeName(pkg), specifier };
  });
}

/**
 * The constraints that exclude `version` of `pkg` for `project`. A declared constraint that excludes
 * the target is a certain break: dbt refuses to run a project whose `require-dbt-version` fails.
 */
export function excludingConstraints(
  constraints: readonly DeclaredConstraint[],
  project: string,
  pkg: string,
  version: string,
): DeclaredConstraint[] {
  const name = normalizeName(pkg);
  return constraints.filter(
    (constraint) =>
      constraint.project === project &&
      normalizeName(constraint.package) === name &&
      // Pre-releases admitted: a pinned pre-release is what would run, the pin is not a choice.
      !parseSpecifierSet(constraint.specifier).contains(version, { prereleases: true }),
  );
}

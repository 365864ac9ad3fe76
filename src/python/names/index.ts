/**
 * Python project names (PEP 508 "Names", PEP 503 "Normalized Names").
 */

// PEP 508: names start and end with a letter or digit; inside, letters, digits, '-', '_' and '.'.
const PROJECT_NAME = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;

/**
 * Names seen, each with its normalized form. A resolve normalizes the same few hundred names tens
 * of thousands of times (issue 15); remembering them also hands out one string per project, which
 * later map lookups compare by identity instead of by content.
 */
const normalizedNames = new Map<string, string>();

/**
 * PEP 503: lowercase, and any run of `-`, `_` or `.` becomes one `-`, so `Foo.Bar__baz` and
 * `foo-bar-baz` name the same project on an index.
 *
 * @example normalizeName('Snowflake_Connector.Python') // 'snowflake-connector-python'
 */
export function normalizeName(name: string): string {
  let normalized = normalizedNames.get(name);
  if (normalized === undefined) {
    normalized = name.replace(/[-_.]+/g, '-').toLowerCase();
    // Bounded for a long-lived server; starting over costs only normalizing again.
    if (normalizedNames.size >= 50_000) normalizedNames.clear();
    normalizedNames.set(name, normalized);
  }
  return normalized;
}

/** PEP 508 name grammar (ASCII only: PyPI refuses other letters). */
export function isValidProjectName(name: string): boolean {
  return PROJECT_NAME.test(name);
}

/**
 * Python project names (PEP 508 "Names", PEP 503 "Normalized Names").
 */

// PEP 508: names start and end with a letter or digit; inside, letters, digits, '-', '_' and '.'.
const PROJECT_NAME = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;

/**
 * PEP 503: lowercase, and any run of `-`, `_` or `.` becomes one `-`, so `Foo.Bar__baz` and
 * `foo-bar-baz` name the same project on an index.
 *
 * @example normalizeName('Snowflake_Connector.Python') // 'snowflake-connector-python'
 */
export function normalizeName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

/** PEP 508 name grammar (ASCII only: PyPI refuses other letters). */
export function isValidProjectName(name: string): boolean {
  return PROJECT_NAME.test(name);
}

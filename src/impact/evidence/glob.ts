/**
 * Shell-style glob for ownership rules: `*` is any run of characters, `?` one character, all else
 * literal; the whole name must match. Case-sensitive, as Airflow dag ids are.
 *
 * @example globMatches('finance_*', 'finance_daily') // true
 */
export function globMatches(pattern: string, name: string): boolean {
  const source = pattern
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's').test(name);
}

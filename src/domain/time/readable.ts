const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * An ISO timestamp as people read it, in UTC so every reader sees the same text:
 * `6 Dec 2026, 07:12 UTC`. An unparseable value is returned as given.
 *
 * @example readableTime('2026-12-06T07:12:52.123Z') // '6 Dec 2026, 07:12 UTC'
 */
export function readableTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${String(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]!} ${String(date.getUTCFullYear())}, ${two(date.getUTCHours())}:${two(date.getUTCMinutes())} UTC`;
}

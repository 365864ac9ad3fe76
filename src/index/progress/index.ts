/**
 * A one-line text progress bar for a TTY: `[#########-----------]  45/100`. The counts are padded
 * to the total's width so the line does not jitter while redrawn with `\r`.
 *
 * @example process.stderr.write(`\r${renderProgressBar(event.done, event.total, 30)}`)
 */
export function renderProgressBar(done: number, total: number, width: number): string {
  const inner = Math.max(1, Math.floor(width));
  const safeTotal = Math.max(0, Math.floor(total));
  const safeDone = Math.min(Math.max(0, Math.floor(done)), safeTotal);
  const filled = safeTotal === 0 ? 0 : Math.floor((safeDone / safeTotal) * inner);
  const counts = `${String(safeDone).padStart(String(safeTotal).length)}/${String(safeTotal)}`;
  return `[${'#'.repeat(filled)}${'-'.repeat(inner - filled)}] ${counts}`;
}

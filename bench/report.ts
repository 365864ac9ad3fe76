import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { format, resolveConfig } from 'prettier';

/** Where figures land: one section per benchmark, replaced in place on each run. */
export const benchmarksFile = path.resolve(import.meta.dirname, '..', 'docs', 'benchmarks.md');

const header = `# Benchmarks

Figures measured by \`npm run bench\` (or \`npm run bench -- NAME\` for one section). Each section
names the command that produced it, the machine, and the peer it is compared against in the same run.
Performance is measured here, never asserted in unit tests.
`;

/** Replace (or append) the section between `<!-- bench:NAME -->` markers. */
export async function writeBenchmarkSection(name: string, markdown: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(benchmarksFile, 'utf8');
  } catch {
    text = header;
  }
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const section = `${start}\n${markdown.trim()}\n${end}`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  const next =
    from >= 0 && to > from
      ? text.slice(0, from) + section + text.slice(to + end.length)
      : `${text.trimEnd()}\n\n${section}\n`;
  // Formatted as `npm test`'s Prettier check expects, so a benchmark run never breaks the build.
  const options = (await resolveConfig(benchmarksFile)) ?? {};
  await writeFile(benchmarksFile, await format(next, { ...options, filepath: benchmarksFile }));
}

/** One line describing the machine, so figures are read in context. */
export function machineLine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `Machine: ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`;
}

/** Median and percentiles of a list of durations in milliseconds. */
export function summarize(samples: readonly number[]): { median: number; p99: number; min: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { median: at(0.5), p99: at(0.99), min: sorted[0] ?? NaN };
}

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
}

/**
 * What every command prints. With --json: exactly one JSON document on stdout, success or not.
 * Without: readable text on stdout, refusals and errors on stderr. The exit code comes from
 * `exit.ts` and nowhere else.
 */
import { CommanderError } from 'commander';
import type { Command } from 'commander';
import { isRatchetError } from '../domain/errors/index.js';
import { EXIT_OK, EXIT_REFUSED, exitCodeFor } from './exit.js';
import { inFlagTerms } from './flag-errors.js';

export interface PrintOptions<T> {
  json: boolean;
  /** Human rendering of the result; JSON mode prints the result itself. */
  human: (result: T) => string;
  /** True when the result is a "no" (e.g. a broken audit chain): exit 1 while still printing it. */
  negative?: boolean;
}

/** Whether the command (or any parent) was given --json. */
export function isJson(command: Command): boolean {
  return command.optsWithGlobals<{ json?: boolean }>().json === true;
}

export function printResult<T>(result: T, options: PrintOptions<T>): void {
  if (options.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    const text = options.human(result);
    if (text !== '') process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }
  process.exitCode = options.negative ? EXIT_REFUSED : EXIT_OK;
}

interface ErrorReport {
  error: {
    kind: string;
    message: string;
    policy?: string;
    remedy?: string;
    extra?: Record<string, unknown>;
  };
}

function reportOf(error: unknown): ErrorReport {
  if (isRatchetError(error)) {
    const { problem: _problem, ...extra } = error.extra as Record<string, unknown>;
    return {
      error: {
        kind: error.kind,
        message: error.message,
        ...(error.policy !== undefined ? { policy: error.policy } : {}),
        ...(error.remedy !== undefined ? { remedy: error.remedy } : {}),
        ...(Object.keys(extra).length > 0 ? { extra } : {}),
      },
    };
  }
  if (error instanceof CommanderError) {
    return { error: { kind: 'usage', message: error.message.replace(/^error: /, '') } };
  }
  const message = error instanceof Error ? error.message : String(error);
  const kind = error instanceof Error ? error.name : 'error';
  return { error: { kind, message } };
}

/** Prints a failure (say what was refused, why, and what to do instead) and sets the exit code. */
export function fail(error: unknown, options: { json: boolean }): void {
  const report = reportOf(error);
  if (options.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const lines = [`error: ${report.error.message}`];
    if (report.error.policy) lines.push(`policy: ${report.error.policy}`);
    if (report.error.remedy) lines.push(`what to do: ${report.error.remedy}`);
    process.stderr.write(`${lines.join('\n')}\n`);
  }
  process.exitCode = exitCodeFor(error);
}

/**
 * Wraps a command action: runs it, and turns anything thrown into `fail` with the right exit code.
 *
 * @example
 * program.command('tenants list').action(action(async (command) => { ... }));
 */
export function action<Args extends unknown[]>(
  run: (command: Command, ...args: Args) => Promise<void>,
): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    // commander passes (...positionals, options, command); the command is always last.
    const command = args[args.length - 1] as Command;
    const positionals = args.slice(0, -2) as Args;
    try {
      await run(command, ...positionals);
    } catch (error) {
      // A refused request body is reported with the flags the user typed, not the API's field names.
      fail(inFlagTerms(error, command), { json: isJson(command) });
    }
  };
}

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | null | undefined;
}

/** A plain aligned text table; an empty list says so instead of printing only headers. */
export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[], empty = '(none)'): string {
  if (rows.length === 0) return empty;
  const cells = rows.map((row) => columns.map((column) => String(column.value(row) ?? '')));
  const widths = columns.map((column, i) =>
    Math.max(column.header.length, ...cells.map((line) => line[i]!.length)),
  );
  const format = (line: readonly string[]): string =>
    line
      .map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [format(columns.map((column) => column.header.toUpperCase())), ...cells.map(format)].join('\n');
}

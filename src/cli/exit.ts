/**
 * The ONE place where outcomes become exit codes (ARCHITECTURE.md "Contracts"):
 *
 * - 0  success, and the answer is "yes"
 * - 1  a negative answer or a refusal: the server or the policy said no (ConflictError,
 *      PolicyError, NotAllowedError), or a check found a problem (audit chain broken)
 * - 2  the command could not be carried out as given: bad input or usage (InputError, commander
 *      usage errors), something named that does not exist (NotFoundError), missing or bad
 *      credentials (UnauthenticatedError), a server or package index that cannot be reached
 *      (UnavailableError) or failed unexpectedly. Scripts can read 2 as "fix the invocation or the environment and retry".
 */
import { CommanderError } from 'commander';
import { isRatchetError } from '../domain/errors/index.js';

export type ExitCode = 0 | 1 | 2;

export const EXIT_OK: ExitCode = 0;
export const EXIT_REFUSED: ExitCode = 1;
export const EXIT_USAGE: ExitCode = 2;

/** A new error kind fails to compile here until it is given an exit code. */
function unmapped(kind: never): ExitCode {
  throw new Error(`No exit code for error kind ${String(kind)}`);
}

export function exitCodeFor(error: unknown): ExitCode {
  if (isRatchetError(error)) {
    switch (error.kind) {
      case 'conflict':
      case 'policy':
      case 'not-allowed':
        return EXIT_REFUSED;
      case 'input':
      case 'not-found':
      case 'unauthenticated':
      case 'unavailable':
        return EXIT_USAGE;
      default:
        return unmapped(error.kind);
    }
  }
  if (error instanceof CommanderError) {
    // --help and --version end through the same path with exitCode 0.
    return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  }
  return EXIT_USAGE;
}

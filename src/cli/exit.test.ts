import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  PolicyError,
  UnauthenticatedError,
  UnavailableError,
} from '../domain/errors/index.js';
import { ServerUnreachableError } from './client.js';
import { exitCodeFor } from './exit.js';

describe('exit codes', () => {
  it('answers 1 for refusals and 2 for input, usage and environment problems', () => {
    expect(exitCodeFor(new PolicyError('no'))).toBe(1);
    expect(exitCodeFor(new ConflictError('stale'))).toBe(1);
    expect(exitCodeFor(new NotAllowedError('role'))).toBe(1);
    expect(exitCodeFor(new InputError('bad'))).toBe(2);
    expect(exitCodeFor(new NotFoundError('gone'))).toBe(2);
    expect(exitCodeFor(new UnauthenticatedError('who'))).toBe(2);
    expect(exitCodeFor(new UnavailableError('the index is down', { retryAfterSeconds: 30 }))).toBe(2);
    expect(exitCodeFor(new ServerUnreachableError('http://x', new Error('refused')))).toBe(2);
    expect(exitCodeFor(new CommanderError(1, 'commander.missingArgument', 'missing'))).toBe(2);
    expect(exitCodeFor(new CommanderError(0, 'commander.helpDisplayed', 'help'))).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
// The two places that map errors (STYLE.md: exactly one for HTTP, one for the CLI) are what a user
// sees of an error, so the contract is checked through them: a test may reach outward.
import { problemKindOf, toProblem, WWW_AUTHENTICATE } from '../../api/problem.js';
import { exitCodeFor } from '../../cli/exit.js';
import {
  ConflictError,
  InputError,
  isRatchetError,
  NotAllowedError,
  NotFoundError,
  PolicyError,
  UnauthenticatedError,
  UnavailableError,
} from './index.js';
import type { ErrorKind, RatchetError } from './index.js';

interface Expected {
  make: (message: string) => RatchetError;
  status: number;
  exit: 0 | 1 | 2;
}

/*
 * The contract as ARCHITECTURE.md "Contracts" states it: refusals (the policy, a role, the current
 * state) exit 1; everything the caller fixes or retries (input, a name, credentials, an outage)
 * exits 2. A `Record` over ErrorKind: a new kind does not compile until it is added here.
 */
const CONTRACT: Record<ErrorKind, Expected> = {
  input: { make: (m) => new InputError(m), status: 400, exit: 2 },
  unauthenticated: { make: (m) => new UnauthenticatedError(m), status: 401, exit: 2 },
  'not-allowed': { make: (m) => new NotAllowedError(m), status: 403, exit: 1 },
  'not-found': { make: (m) => new NotFoundError(m), status: 404, exit: 2 },
  conflict: { make: (m) => new ConflictError(m), status: 409, exit: 1 },
  policy: { make: (m) => new PolicyError(m), status: 409, exit: 1 },
  unavailable: { make: (m) => new UnavailableError(m), status: 503, exit: 2 },
};

const KINDS = Object.keys(CONTRACT) as ErrorKind[];

describe('every domain error kind', () => {
  it.each(KINDS)(
    '%s: its HTTP status, its CLI exit code, and a problem+json body a client reads back',
    (kind) => {
      const { make, status, exit } = CONTRACT[kind];
      const error = make('The thing was refused because of the rule.');
      expect(error.kind).toBe(kind);
      expect(isRatchetError(error)).toBe(true);

      const { problem, unexpected } = toProblem(error, '/api/v1/things/1');
      expect(problem).toEqual({
        type: `urn:ratchet:problem:${kind}`,
        title: expect.any(String),
        status,
        detail: 'The thing was refused because of the rule.',
        instance: '/api/v1/things/1',
      });
      expect(problem.title.length).toBeGreaterThan(3);
      expect(problemKindOf(problem.type)).toBe(kind);
      expect(unexpected).toBe(false);

      expect(exitCodeFor(error)).toBe(exit);
    },
  );

  it('gives each kind its own problem type and title (a client can tell them apart)', () => {
    const problems = KINDS.map((kind) => toProblem(CONTRACT[kind].make('x'), '/').problem);
    expect(new Set(problems.map((p) => p.type)).size).toBe(KINDS.length);
    expect(new Set(problems.map((p) => p.title)).size).toBe(KINDS.length);
  });
});

describe('a refusal in a problem body', () => {
  it('carries the policy, the remedy and the extra facts as members, never over the standard ones', () => {
    const error = new PolicyError('Platform versions cannot be rolled back.', {
      policy: 'platform-forward-fix',
      remedy: 'Report a defect so a hotfix ships as a new forward release.',
      extra: { status: 200, type: 'spoofed', highest: '2.4.0' },
    });
    const { problem } = toProblem(error, '/api/v1/platform/rollouts');
    expect(problem.status).toBe(409);
    expect(problem.type).toBe('urn:ratchet:problem:policy');
    expect(problem.policy).toBe('platform-forward-fix');
    expect(problem.remedy).toBe('Report a defect so a hotfix ships as a new forward release.');
    expect(problem.highest).toBe('2.4.0');
  });

  it('keeps the lower-level cause for the log but never shows it to the client', () => {
    const outage = new Error('connect ECONNREFUSED 127.0.0.1:3141');
    const error = new UnavailableError('The package index did not answer.', { cause: outage });
    expect(error.cause).toBe(outage);
    expect(new InputError('bad').cause).toBeUndefined();
    const { problem } = toProblem(error, '/api/v1/images/plan');
    expect(JSON.stringify(problem)).not.toContain('ECONNREFUSED');
  });

  it('says how to authenticate on 401 and when to retry on 503, and nothing extra otherwise', () => {
    expect(toProblem(new UnauthenticatedError('No token.'), '/').headers).toEqual({
      'www-authenticate': WWW_AUTHENTICATE,
    });
    expect(WWW_AUTHENTICATE).toMatch(/^Bearer /);
    const outage = new UnavailableError('The index did not answer.', { retryAfterSeconds: 29.2 });
    expect(toProblem(outage, '/').headers).toEqual({ 'retry-after': '30' });
    expect(toProblem(new UnavailableError('Down.'), '/').headers).toBeUndefined();
    expect(toProblem(new ConflictError('Stale.'), '/').headers).toBeUndefined();
  });

  it('is not made from anything thrown that is not a domain error: that is a logged 500', () => {
    expect(isRatchetError(new Error('plain'))).toBe(false);
    expect(isRatchetError('string')).toBe(false);
    const { problem, unexpected } = toProblem(new Error('SELECT * FROM secrets failed'), '/');
    expect(problem.status).toBe(500);
    expect(problem.detail).not.toContain('SELECT');
    expect(unexpected).toBe(true);
  });
});

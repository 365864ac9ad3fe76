import { describe, expect, it } from 'vitest';
import { ConflictError, InputError, PolicyError, UnavailableError, isRatchetError } from './index.js';

describe('domain errors', () => {
  it('carry a kind, a remedy and the policy they enforce', () => {
    const error = new PolicyError('Platform versions cannot be rolled back.', {
      policy: 'platform-forward-fix',
      remedy: 'Report a defect so a hotfix ships as a new forward release.',
    });
    expect(error.kind).toBe('policy');
    expect(error.name).toBe('PolicyError');
    expect(error.policy).toBe('platform-forward-fix');
    expect(error.remedy).toMatch(/hotfix/);
    expect(isRatchetError(error)).toBe(true);
  });

  it('tells project errors from anything else thrown', () => {
    expect(isRatchetError(new InputError('bad'))).toBe(true);
    expect(new ConflictError('stale').kind).toBe('conflict');
    expect(isRatchetError(new Error('plain'))).toBe(false);
    expect(isRatchetError('string')).toBe(false);
  });

  it('keep the lower-level error they were caused by, and an unavailable one says when to retry', () => {
    const outage = new Error('connect ECONNREFUSED 127.0.0.1:3141');
    const error = new UnavailableError('The index did not answer.', { cause: outage, retryAfterSeconds: 30 });
    expect(error.cause).toBe(outage);
    expect(error.kind).toBe('unavailable');
    expect(error.retryAfterSeconds).toBe(30);
    expect(new InputError('bad').cause).toBeUndefined();
  });
});

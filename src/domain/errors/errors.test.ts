import { describe, expect, it } from 'vitest';
import { ConflictError, InputError, PolicyError, isRatchetError } from './index.js';

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
});

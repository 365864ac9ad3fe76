import { describe, expect, it } from 'vitest';
import { compareSemver, parseSemver } from './index.js';

describe('SemVer 2.0.0 precedence', () => {
  it('orders the example chain of SemVer §11.4', () => {
    const chain = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
    ];
    for (let i = 0; i < chain.length - 1; i++) {
      expect(compareSemver(chain[i]!, chain[i + 1]!)).toBe(-1);
      expect(compareSemver(chain[i + 1]!, chain[i]!)).toBe(1);
    }
  });

  it('compares numerically, not lexically, and ignores build metadata', () => {
    expect(compareSemver('3.10.0', '3.9.9')).toBe(1);
    expect(compareSemver('3.4.0+build.7', '3.4.0')).toBe(0);
  });

  it('rejects what is not SemVer', () => {
    for (const bad of ['v3.4.0', '3.4', '03.4.0', '3.4.0-', '']) expect(parseSemver(bad)).toBeNull();
    expect(() => compareSemver('3.4', '3.4.0')).toThrow(TypeError);
  });
});

import { describe, expect, it } from 'vitest';
import { readableTime } from './readable.js';

describe('readableTime', () => {
  it('says day, month, year and minute in UTC', () => {
    expect(readableTime('2026-12-06T07:12:52.123Z')).toBe('6 Dec 2026, 07:12 UTC');
    expect(readableTime('2025-01-31T23:59:00+02:00')).toBe('31 Jan 2025, 21:59 UTC');
  });
  it('returns what it cannot read unchanged', () => {
    expect(readableTime('soon')).toBe('soon');
  });
});

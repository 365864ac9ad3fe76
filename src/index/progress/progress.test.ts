import { describe, expect, it } from 'vitest';

import { renderProgressBar } from './index.js';

describe('renderProgressBar', () => {
  it('fills in proportion and pads the count to the total width', () => {
    expect(renderProgressBar(0, 100, 10)).toBe('[----------]   0/100');
    expect(renderProgressBar(45, 100, 10)).toBe('[####------]  45/100');
    expect(renderProgressBar(100, 100, 10)).toBe('[##########] 100/100');
  });

  it('stays sane when done overshoots, the total is zero or inputs are odd', () => {
    expect(renderProgressBar(7, 5, 4)).toBe('[####] 5/5');
    expect(renderProgressBar(0, 0, 4)).toBe('[----] 0/0');
    expect(renderProgressBar(-3, 10, 0)).toBe('[-]  0/10');
  });
});

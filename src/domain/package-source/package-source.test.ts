import { describe, expect, it } from 'vitest';
import { describePackageSource } from './index.js';

describe('a package source, as people read it', () => {
  it.each([
    ['https://pypi.org/simple', 'index', 'https://pypi.org/simple', 'index https://pypi.org/simple'],
    [
      'file:///tmp/ratchet-demo-wheels-1',
      'find-links',
      '/tmp/ratchet-demo-wheels-1',
      'find-links folder /tmp/ratchet-demo-wheels-1',
    ],
    ['file:///srv/my%20wheels', 'find-links', '/srv/my wheels', 'find-links folder /srv/my wheels'],
    ['/srv/wheels', 'find-links', '/srv/wheels', 'find-links folder /srv/wheels'],
  ])('%s', (ref, kind, location, display) => {
    expect(describePackageSource(ref)).toEqual({ kind, location, display });
  });

  it('reads a folder the same whether given as a file: URL or a path', () => {
    expect(describePackageSource('file:///srv/wheels').display).toBe(
      describePackageSource('/srv/wheels').display,
    );
  });
});

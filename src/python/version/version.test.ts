import { describe, expect, it } from 'vitest';

import { InputError } from '../../domain/errors/index.js';
import { compareVersions, normalizeVersion, parseVersion } from './index.js';

describe('parseVersion (PEP 440)', () => {
  it('splits a version into its segments', () => {
    expect(parseVersion('1!2.0-RC.3.post4.dev5+Ubuntu-1')).toMatchObject({
      text: '1!2.0rc3.post4.dev5+ubuntu.1',
      epoch: 1,
      release: [2, 0],
      pre: { phase: 'rc', number: 3 },
      post: 4,
      dev: 5,
      local: ['ubuntu', 1],
      public: '1!2.0rc3.post4.dev5',
      isPrerelease: true,
    });
  });

  it('throws InputError with the bad text', () => {
    expect(() => parseVersion('1.10.x')).toThrow(InputError);
    expect(() => normalizeVersion('latest')).toThrow(/Invalid version 'latest'/);
    expect(() => compareVersions('1.0', 'main')).toThrow(InputError);
  });

  it('sorts a release history as pip does', () => {
    const history = ['1.10.0', '1.9.8', '1.10.0rc1', '1.10.0.post1', '1.10.0b1.dev3', '1.10.0.dev1', '1!0.1'];
    expect([...history].sort(compareVersions)).toEqual([
      '1.9.8',
      '1.10.0.dev1',
      '1.10.0b1.dev3',
      '1.10.0rc1',
      '1.10.0',
      '1.10.0.post1',
      '1!0.1',
    ]);
  });
});

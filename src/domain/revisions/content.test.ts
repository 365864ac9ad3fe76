import { describe, expect, it } from 'vitest';
import { InputError } from '../errors/index.js';
import { parseRevisionContent } from './content.js';

const image = (files: unknown): unknown => ({
  python: '3.11',
  platform: '3.4.0',
  index: 'https://pypi.org/simple',
  packages: [{ name: 'dbt-core', version: '1.10.15', files }],
});

describe('image content with file hashes', () => {
  it('keeps the files a pin was recorded with', () => {
    const file = {
      filename: 'dbt_core-1.10.15-py3-none-any.whl',
      url: 'https://files.example.test/dbt_core-1.10.15-py3-none-any.whl',
      sha256: 'a'.repeat(64),
      size: 12,
      kind: 'wheel',
    };
    expect(parseRevisionContent('image', image([file])).packages[0]!.files).toEqual([file]);
  });

  it('refuses a hash that is not a sha256 hex digest, naming where', () => {
    const bad = image([{ filename: 'x.whl', url: 'https://x.test/x.whl', sha256: 'XYZ', kind: 'wheel' }]);
    expect(() => parseRevisionContent('image', bad)).toThrow(InputError);
    expect(() => parseRevisionContent('image', bad)).toThrow(
      /packages\.0\.files\.0\.sha256: must be a lowercase hex sha256 digest/,
    );
  });
});

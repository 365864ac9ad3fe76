import { describe, expect, it } from 'vitest';
import type { ImageContent } from '../../domain/revisions/index.js';
import { renderImageExport } from './lock-export.js';

const file = (
  name: string,
  digit: string,
): NonNullable<ImageContent['packages'][number]['files']>[number] => ({
  filename: `${name}-1.0-py3-none-any.whl`,
  url: `https://files.example.test/${name}-1.0-py3-none-any.whl`,
  sha256: digit.repeat(64),
  size: 10,
  kind: 'wheel',
});

const content = (withFiles: readonly string[]): ImageContent => ({
  python: '3.11',
  platform: '3.4.0',
  index: 'https://pypi.org/simple',
  packages: ['agate', 'dbt-core'].map((name, i) => ({
    name,
    version: '1.0',
    ...(withFiles.includes(name) ? { files: [file(name, String(i + 1))] } : {}),
  })),
});

describe('renderImageExport', () => {
  it('writes a hash on every line when every pin has one', () => {
    const rendered = renderImageExport(content(['agate', 'dbt-core']), 3, 'requirements.txt');
    expect(rendered.unhashed).toEqual([]);
    expect(rendered.text.match(/--hash=sha256:/g)).toHaveLength(2);
  });

  it("writes no hash when a pin lacks one (pip's hash-checking mode needs all), and says which", () => {
    const rendered = renderImageExport(content(['dbt-core']), 3, 'requirements.txt');
    expect(rendered.unhashed).toEqual(['agate']);
    expect(rendered.text).not.toContain('--hash=');
    expect(rendered.text).toContain('# No --hash lines: this revision recorded no file hashes for agate');
  });

  it('keeps what it knows in pylock.toml: the hashed pins carry their wheels', () => {
    const rendered = renderImageExport(content(['dbt-core']), 3, 'pylock.toml');
    expect(rendered.text).toContain(`sha256 = "${'2'.repeat(64)}"`);
    expect(rendered.text).toContain('requires-python = "==3.11.*"');
  });
});

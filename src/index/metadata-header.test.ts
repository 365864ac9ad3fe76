/**
 * The find-links cache keeps only a METADATA text's header: parseCoreMetadata must read the same
 * metadata, warnings and line numbers from it as from the whole text, whatever the line breaks.
 */
import { describe, expect, it } from 'vitest';
import { parseCoreMetadata } from '../python/metadata/index.js';
import { metadataHeader } from './metadata-header.js';

const TEXTS: Record<string, string> = {
  'LF with a body':
    'Metadata-Version: 2.1\nName: agate\nVersion: 1.9.1\nRequires-Dist: a\n\n# Agate\n\nLong.\n',
  'CRLF with a body': 'Metadata-Version: 2.1\r\nName: agate\r\nVersion: 1.9.1\r\n\r\nRequires-Dist: b\r\n',
  'CR alone': 'Metadata-Version: 2.1\rName: agate\rVersion: 1.9.1\r\rRequires-Dist: c\r',
  'CR then CRLF': 'Name: agate\rVersion: 1.9.1\r\r\nRequires-Dist: d\n',
  'no body': 'Metadata-Version: 2.1\nName: agate\nVersion: 1.9.1\nRequires-Dist: e',
  'byte order mark': '\uFEFFName: agate\nVersion: 1.9.1\n\nRequires-Dist: f\n',
  'byte order mark, then a blank line': '\uFEFF\nName: agate\nVersion: 1.9.1\n',
  'folded Description (metadata 1.x)':
    'Metadata-Version: 1.1\nName: agate\nVersion: 1.9.1\nDescription: one\n        two\n\n        |three\nRequires-Dist: g\n',
  'a stray line and a repeated field': 'Name: agate\nVersion: 1.9.1\nnot a field\nName: other\n\nName: x\n',
};

describe('metadataHeader', () => {
  it.each(Object.entries(TEXTS))('leaves parseCoreMetadata the same answer (%s)', (_, text) => {
    const header = metadataHeader(text);
    expect(text.startsWith(header)).toBe(true);
    const whole = (): unknown => parseCoreMetadata(text);
    let expected: unknown;
    try {
      expected = whole();
    } catch (error) {
      expect(() => parseCoreMetadata(header)).toThrow((error as Error).message);
      return;
    }
    expect(parseCoreMetadata(header)).toEqual(expected);
  });

  it('drops the body: the Description after the first empty line', () => {
    expect(metadataHeader(TEXTS['LF with a body']!)).toBe(
      'Metadata-Version: 2.1\nName: agate\nVersion: 1.9.1\nRequires-Dist: a\n',
    );
    expect(metadataHeader('\r\n\r\nName: x\r\n')).toBe('');
    expect(metadataHeader(TEXTS['no body']!)).toBe(TEXTS['no body']);
  });
});

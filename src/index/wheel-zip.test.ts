/**
 * The wheel reader against archives written by Python's zipfile (a zip writer by others): ZIP64
 * records, data descriptors, archive comments, stored and deflated members. pip reads these; so
 * must Ratchet, with the same METADATA text.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../domain/errors/index.js';
import { metadataHeader } from './metadata-header.js';
import { readWheelFileMetadata, readWheelMetadata } from './wheel-metadata.js';
import { bufferBytes, readCentralDirectory } from './wheel-zip.js';

const dir = mkdtempSync(join(tmpdir(), 'ratchet-wheel-zip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const METADATA = 'Metadata-Version: 2.1\nName: pkg\nVersion: 1.0\nRequires-Dist: dep>=2 ; extra == "x"\n';

/** Writes a wheel with Python's zipfile; `how` picks the layout. */
function pythonWheel(how: 'zip64-streamed' | 'stored-with-comment' | 'many-members'): string {
  const path = join(dir, `pkg-1.0-${how}-py3-none-any.whl`);
  const script = `
import sys, zipfile
path, how, metadata = sys.argv[1], sys.argv[2], sys.argv[3]
compression = zipfile.ZIP_STORED if how == 'stored-with-comment' else zipfile.ZIP_DEFLATED
with zipfile.ZipFile(path, 'w', compression) as zf:
    if how == 'many-members':
        for i in range(3000):
            zf.writestr(f'pkg/module_{i}.py', 'x = %d\\n' % i)
    zf.writestr('pkg/__init__.py', '')
    if how == 'zip64-streamed':
        # Streamed: sizes after the data (a data descriptor) and ZIP64 extra fields.
        with zf.open('pkg-1.0.dist-info/METADATA', 'w', force_zip64=True) as member:
            member.write(metadata.encode())
    else:
        zf.writestr('pkg-1.0.dist-info/METADATA', metadata)
    zf.writestr('pkg-1.0.dist-info/WHEEL', 'Wheel-Version: 1.0\\n')
    if how == 'stored-with-comment':
        zf.comment = b'PK\\x05\\x06 looks like an end record inside the comment'
`;
  execFileSync('python3', ['-c', script, path, how, METADATA]);
  return path;
}

describe('readWheelMetadata on archives from Python zipfile', () => {
  it.each(['zip64-streamed', 'stored-with-comment', 'many-members'] as const)(
    'reads the METADATA of a %s wheel, from the file and from its bytes',
    async (how) => {
      const path = pythonWheel(how);
      expect(await readWheelMetadata(path, path, 'pkg')).toBe(METADATA);
      expect(await readWheelMetadata(readFileSync(path), path, 'pkg')).toBe(METADATA);
    },
  );

  it('names a missing file and a file that is no zip as not a readable wheel', async () => {
    await expect(readWheelMetadata(join(dir, 'missing.whl'), 'missing.whl')).rejects.toThrow(
      /missing\.whl is not a readable wheel/,
    );
    await expect(readWheelMetadata(Buffer.from('plain text'), 'text.whl')).rejects.toBeInstanceOf(InputError);
  });

  it('calls a wheel whose METADATA was cut short damaged', async () => {
    const bytes = readFileSync(pythonWheel('stored-with-comment'));
    const at = bytes.indexOf(Buffer.from('Requires-Dist'));
    // Same length, but the central directory now points past a member that disagrees with it.
    const damaged = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 40)]);
    await expect(readWheelMetadata(damaged, 'cut.whl', 'pkg')).rejects.toThrow(
      /cut\.whl is (a damaged|not a readable) wheel/,
    );
  });

  it('lists only the members whose names end as asked, the same entries as the whole listing', () => {
    const bytes = bufferBytes(readFileSync(pythonWheel('many-members')));
    const all = readCentralDirectory(bytes);
    expect(all.length).toBe(3003);
    const wanted = readCentralDirectory(bytes, '.dist-info/METADATA');
    expect(wanted).toEqual(all.filter((entry) => entry.name.endsWith('.dist-info/METADATA')));
    expect(wanted.map((entry) => entry.name)).toEqual(['pkg-1.0.dist-info/METADATA']);
  });
});

/** A wheel holding `metadata` as its METADATA, written by Python's zipfile (deflated or stored). */
function wheelWith(name: string, metadata: string, compression: 'deflated' | 'stored'): string {
  const path = join(dir, `${name}-1.0-py3-none-any.whl`);
  const script = `
import sys, zipfile
path, metadata, how = sys.argv[1], sys.argv[2], sys.argv[3]
with zipfile.ZipFile(path, 'w', zipfile.ZIP_STORED if how == 'stored' else zipfile.ZIP_DEFLATED) as zf:
    zf.writestr('pkg/__init__.py', '')
    zf.writestr('pkg-1.0.dist-info/METADATA', metadata)
`;
  execFileSync('python3', ['-c', script, path, metadata, compression]);
  return path;
}

/** Text that deflate cannot shrink much: a README of that many lines of varied words. */
function readme(lines: number): string {
  let seed = 7;
  const word = (): string => {
    seed = (seed * 48271) % 2147483647;
    return seed.toString(36);
  };
  return Array.from({ length: lines }, () => `${word()} ${word()} ${word()} ${word()}`).join('\n');
}

describe('readWheelFileMetadata: the header of METADATA, read from its start when it holds the header', () => {
  const head = 'Metadata-Version: 2.1\nName: pkg\nVersion: 1.0\nRequires-Dist: dep>=2\n';
  const cases: Record<string, string> = {
    // A body of ~100 KiB compressed: only its first block is read.
    'a long body': `${head}\n${readme(3000)}\n`,
    'a long body after CRLF lines': `${head.replaceAll('\n', '\r\n')}\r\n${readme(3000)}\r\n`,
    // A header longer than the prefix read first (metadata 1.x folds Description into it).
    'a header longer than the first read': `${head}Description: ${readme(2000).replaceAll('\n', '\n        ')}\n\n${readme(500)}\n`,
    'no body at all, longer than the first read': `${head}Description: ${readme(2000).replaceAll('\n', '\n        ')}\n`,
    'a small METADATA': `${head}\nShort.\n`,
  };
  it.each(
    Object.entries(cases).flatMap(([name, text]) => [
      [name, 'deflated', text] as const,
      [name, 'stored', text] as const,
    ]),
  )('gives the header of the whole text for %s, %s', async (name, compression, text) => {
    const path = wheelWith(`${name.replaceAll(' ', '_')}_${compression}`, text, compression);
    const read = await readWheelFileMetadata(path, 'pkg');
    expect(read.header).toBe(metadataHeader(text));
    expect(read.header.startsWith(head.slice(0, 20))).toBe(true);
  });
});

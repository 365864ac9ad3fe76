import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../domain/errors/index.js';
import { DEMO_MARKER, freshDataDir } from './demo.js';

describe('the demo data directory', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  function dirWith(files: string[]): string {
    const dir = mkdtempSync(join(tmpdir(), 'ratchet-demo-'));
    dirs.push(dir);
    for (const file of files) writeFileSync(join(dir, file), 'x');
    return dir;
  }

  it('makes a missing or empty directory and marks it as a demo', () => {
    const empty = dirWith([]);
    const missing = join(empty, 'nested', 'demo');
    for (const dir of [empty, missing]) {
      freshDataDir(dir);
      expect(readdirSync(dir)).toEqual([DEMO_MARKER]);
    }
  });

  it("starts over in an earlier demo's directory, whatever the demo left there", () => {
    const dir = dirWith([DEMO_MARKER, 'ratchet.sqlite', 'ratchet.sqlite-wal', 'secret.key']);
    freshDataDir(dir);
    expect(readdirSync(dir)).toEqual([DEMO_MARKER]);
  });

  it('never wipes a real data directory (a database without the demo marker), and says what to do', () => {
    const dir = dirWith(['ratchet.sqlite', 'secret.key']);
    expect(() => freshDataDir(dir)).toThrow(InputError);
    expect(() => freshDataDir(dir)).toThrow(/holds files no demo made \(ratchet\.sqlite\)/);
    expect(readdirSync(dir).sort()).toEqual(['ratchet.sqlite', 'secret.key']);
    expect(existsSync(join(dir, DEMO_MARKER))).toBe(false);
  });
});

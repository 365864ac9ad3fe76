import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from './index.js';

const folder = fileURLToPath(new URL('.', import.meta.url));

describe('the command list', () => {
  it('registers every command file in this folder: a command left out would silently vanish from the CLI', async () => {
    const files = readdirSync(folder).filter(
      (name) => name.endsWith('.ts') && !name.endsWith('.test.ts') && name !== 'index.ts',
    );
    const missing: string[] = [];
    for (const file of files) {
      const module = (await import(`./${file.replace(/\.ts$/, '.js')}`)) as { register?: unknown };
      if (typeof module.register !== 'function') continue;
      if (!COMMANDS.includes(module.register as (typeof COMMANDS)[number])) missing.push(file);
    }
    expect(files.length).toBeGreaterThan(10);
    expect(missing, `add these to src/cli/commands/index.ts: ${missing.join(', ')}`).toEqual([]);
  });
});

import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fileCycles, folderCycles, readImportGraph } from './import-graph.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('the import graph of src/ (STYLE.md: no two modules import each other)', () => {
  const graph = readImportGraph(ROOT);

  it('reads the source tree (a broken reader would find no cycle anywhere)', () => {
    expect(graph.files.size).toBeGreaterThan(200);
    expect(graph.files.get('src/workflows/demo.ts')).toContain('src/workflows/demo-platform.ts');
  });

  it('has no cycle between files, `import type` included', () => {
    expect(fileCycles(graph)).toEqual([]);
  });

  it('has no cycle between folders', () => {
    expect(folderCycles(graph)).toEqual([]);
  });

  it('keeps offload/ below the work it runs: its callers name their task table (issue 18)', () => {
    const offload = [...graph.files].filter(([file]) => file.startsWith('src/offload/'));
    expect(offload.map(([file]) => file)).toContain('src/offload/pool.ts');
    const outside = offload.flatMap(([, targets]) => targets).filter((t) => !t.startsWith('src/offload/'));
    expect(outside.filter((target) => !target.startsWith('src/domain/'))).toEqual([]);
    expect(graph.files.get('src/workflows/offload-tasks.ts')).toContain('src/workflows/image/plan-task.ts');
  });

  it('finds a cycle when there is one', () => {
    const files = new Map([
      ['src/a/x.ts', ['src/b/y.ts']],
      ['src/b/y.ts', ['src/c/z.ts']],
      ['src/c/z.ts', ['src/a/w.ts']],
      ['src/a/w.ts', []],
    ]);
    expect(folderCycles({ files })).toEqual([['src/a', 'src/b', 'src/c']]);
    expect(fileCycles({ files })).toEqual([]);
    expect(fileCycles({ files: new Map([...files, ['src/a/w.ts', ['src/a/x.ts']]]) })).toEqual([
      ['src/a/w.ts', 'src/a/x.ts', 'src/b/y.ts', 'src/c/z.ts'],
    ]);
  });
});

// The import graph of src/, read with TypeScript's own pre-processor so that `import type`, re-exports
// and dynamic imports count as edges too: a cycle of types is still two modules that cannot be
// understood (or moved) one without the other.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export interface ImportGraph {
  /** File (relative to the root, `/`-separated) → the files it imports. */
  readonly files: ReadonlyMap<string, readonly string[]>;
}

const SOURCE = /\.(ts|tsx)$/;

function listSources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listSources(path));
    // A test may reach into sibling modules to set up a scene; only shipped code forms the layers.
    else if (SOURCE.test(name) && !name.endsWith('.d.ts') && !/\.test\.tsx?$/.test(name)) out.push(path);
  }
  return out;
}

function resolveRelative(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  const stem = base.replace(/\.(js|mjs|jsx)$/, '');
  const candidates = [base, `${stem}.ts`, `${stem}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')];
  return candidates.find((candidate) => SOURCE.test(candidate) && existsSync(candidate));
}

/** Every relative import between the TypeScript files under `root/dir`. */
export function readImportGraph(root: string, dir = 'src'): ImportGraph {
  const files = new Map<string, string[]>();
  for (const path of listSources(join(root, dir))) {
    const info = ts.preProcessFile(readFileSync(path, 'utf8'), true, true);
    const targets = new Set<string>();
    for (const { fileName } of info.importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const target = resolveRelative(path, fileName);
      if (target) targets.add(relative(root, target).split('\\').join('/'));
    }
    files.set(relative(root, path).split('\\').join('/'), [...targets]);
  }
  return { files };
}

/** The folder a file belongs to: its directory. */
export function moduleOf(file: string): string {
  return dirname(file);
}

/**
 * Cycles between folders: the strongly connected components (Tarjan) of the graph whose nodes are
 * folders. An edge between a folder and one of its own sub-folders does not count: `store/` and
 * `store/tables/` are one module seen at two depths.
 */
export function folderCycles(graph: ImportGraph): string[][] {
  const edges = new Map<string, Set<string>>();
  for (const [file, targets] of graph.files) {
    const from = moduleOf(file);
    for (const target of targets) {
      const to = moduleOf(target);
      if (from === to || to.startsWith(`${from}/`) || from.startsWith(`${to}/`)) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(to);
    }
  }
  return stronglyConnected(edges);
}

/** Cycles between files, type-only imports included. */
export function fileCycles(graph: ImportGraph): string[][] {
  const edges = new Map<string, Set<string>>();
  for (const [file, targets] of graph.files) edges.set(file, new Set(targets.filter((t) => t !== file)));
  return stronglyConnected(edges);
}

function stronglyConnected(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let next = 0;
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next);
    next += 1;
    stack.push(node);
    onStack.add(node);
    for (const to of edges.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node)!, index.get(to)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const node of [...edges.keys()].sort()) if (!index.has(node)) visit(node);
  return components;
}

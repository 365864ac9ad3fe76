#!/usr/bin/env node
// Compiles the server and CLI sources (src/, without tests and the browser app) into dist/, one
// JavaScript file per TypeScript file, so `./bin/ratchet` starts without compiling anything.
// Runs as npm's `prepare` (so `npm ci` alone leaves a runnable CLI) and before every test run
// (vitest's globalSetup), so the tests never exercise a dist/ older than the sources.
//
// One file per source file, plus one bundle, dist/cli/ratchet.mjs, that bin/ratchet runs: the CLI
// entry with every command and what they import statically (commander included) in one file, so
// `ratchet --help` reads one module instead of ~65 (issue 15: startup < 150 ms). What a command
// imports lazily (`await import(...)`: the server, store, zod schemas) stays outside the bundle and
// loads from the per-file tree, where the server and workers run as they are (the offload worker
// and the dashboard are found by paths relative to their own files); except the offline resolver
// (sources and solver), a second bundle dist/cli/offline-resolver.mjs.
import { copyFileSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { stdout } from 'node:process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const out = join(root, 'dist');

/** What ships: every .ts under src/ except tests, declaration files, the browser app and test kits. */
function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const rel = relative(src, path);
      return rel === 'web' || entry.name === 'testkit' || entry.name === 'node_modules' ? [] : sources(path);
    }
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts')
      ? [path]
      : [];
  });
}

/** The domain errors: one class per kind, shared by the bundles and the per-file tree. */
const SHARED_IDENTITY = [join(src, 'domain', 'errors', 'index.ts')];

/**
 * Lazily imported modules that are bundles of their own: the offline resolver commands load the
 * sources and the resolver (~80 files) as one file, ~40 ms sooner (issue 15: within 2x of uv).
 */
const LAZY_BUNDLES = new Map([[join(src, 'cli', 'offline-resolver.ts'), 'offline-resolver.mjs']]);

/**
 * Sends lazy imports of our own sources (and the error classes) to their per-file build instead of
 * into the bundle. A module loaded both ways would exist twice; the error classes must exist once,
 * because the CLI maps thrown errors to exit codes with `instanceof` (src/cli/exit.ts).
 */
function perFileOutside() {
  const bundleDir = join(out, 'cli');
  return {
    name: 'per-file-outside',
    setup(builder) {
      // A package imported lazily (pino) stays where node_modules has it.
      builder.onResolve({ filter: /^[^./]/ }, (args) =>
        args.kind === 'dynamic-import' ? { path: args.path, external: true } : undefined,
      );
      builder.onResolve({ filter: /^\./ }, (args) => {
        const source = resolve(args.resolveDir, args.path).replace(/\.js$/, '.ts');
        const lazyBundle = args.kind === 'dynamic-import' ? LAZY_BUNDLES.get(source) : undefined;
        if (lazyBundle !== undefined) return { path: `./${lazyBundle}`, external: true };
        if (args.kind !== 'dynamic-import' && !SHARED_IDENTITY.includes(source)) return undefined;
        const target = relative(bundleDir, join(out, relative(src, source))).replace(/\.ts$/, '.js');
        return { path: target.startsWith('.') ? target : `./${target}`, external: true };
      });
    },
  };
}

// Build beside dist/ and swap it in whole: a removed source file must not linger as a stale
// command in dist/cli/commands, and a CLI started meanwhile sees the old tree or the new one.
const staging = `${out}.${process.pid}.tmp`;
rmSync(staging, { recursive: true, force: true });
const started = performance.now();
await build({
  entryPoints: sources(src),
  outbase: src,
  outdir: staging,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  bundle: false,
  sourcemap: 'linked',
  logLevel: 'warning',
});
const bundles = [[join(src, 'cli', 'main.ts'), 'ratchet.mjs'], ...LAZY_BUNDLES];
for (const [entry, name] of bundles) {
  await build({
    entryPoints: [entry],
    outfile: join(staging, 'cli', name),
    format: 'esm',
    platform: 'node',
    target: 'node20',
    bundle: true,
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [perFileOutside()],
    // commander is CommonJS: its bundled require() of node builtins needs a real require.
    banner: {
      js: "import { createRequire as __ratchetRequire } from 'node:module';\nconst require = __ratchetRequire(import.meta.url);",
    },
  });
}
// The offload worker's entry is plain JavaScript already (a worker thread does not inherit the
// main thread's loader): it ships as it is and loads the compiled task table beside it.
copyFileSync(join(src, 'offload', 'worker.mjs'), join(staging, 'offload', 'worker.mjs'));
// The server finds the dashboard build at ../web/dist/ from api/web.ts; from dist/api/web.js that
// is dist/web/dist, so point it at the one build in src/web/dist (made by `npm run build:web`,
// before or after this).
mkdirSync(join(staging, 'web'));
symlinkSync(join('..', '..', 'src', 'web', 'dist'), join(staging, 'web', 'dist'));
const previous = `${out}.${process.pid}.old`;
try {
  renameSync(out, previous);
} catch (error) {
  if (error.code !== 'ENOENT') throw error;
}
try {
  renameSync(staging, out);
} catch (error) {
  // Another build (a second test run in this checkout) swapped its tree in first: same sources,
  // same output, so keep that one.
  if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
  rmSync(staging, { recursive: true, force: true });
}
rmSync(previous, { recursive: true, force: true });
if (process.argv.includes('--verbose'))
  stdout.write(`built dist/ in ${Math.round(performance.now() - started)} ms\n`);

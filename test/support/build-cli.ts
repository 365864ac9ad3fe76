/**
 * vitest globalSetup: compiles src/ into dist/ (scripts/build-cli.mjs, under a second) before any
 * test runs, and again before each watch-mode rerun. `./bin/ratchet` runs dist/, so the CLI tests
 * always exercise the sources as they are now, never an older build left in the checkout.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';

const BUILD_SCRIPT = resolve(import.meta.dirname, '..', '..', 'scripts', 'build-cli.mjs');

function buildCli(): void {
  execFileSync(process.execPath, [BUILD_SCRIPT], { stdio: 'inherit' });
}

export function setup(project: TestProject): void {
  buildCli();
  project.onTestsRerun(() => buildCli());
}

/**
 * What the two trial-resume tests (test/reliability) share: the lease they run trials under, a uv
 * that is slow on purpose, and a scratch folder removed although killed servers' children still write.
 */
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The trial lease the servers under test hold (RATCHET_TRIAL_LEASE_MS), renewed every third of it.
 * 2 s was once enough, but on a 2-core CI machine running uv, dbt, PostgreSQL and other suites at
 * once a live server's renewal came later than that and a second server took its trial. 6 s leaves
 * a live server four seconds to renew and still lets a killed server's trial resume within seconds.
 */
export const TRIAL_TEST_LEASE_MS = 6_000;

/**
 * A uv that sleeps before every call, so a server running it is surely mid-build when the test
 * kills it, even after the several lease periods the PostgreSQL case waits first (a trial makes at
 * least two uv calls per environment). Returns the wrapper's path.
 */
export function writeSlowUv(dir: string, uv: string, pauseSeconds = 10): string {
  const path = join(dir, 'slow-uv');
  writeFileSync(path, `#!/bin/sh\nsleep ${String(pauseSeconds)}\nexec '${uv}' "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}

/**
 * Removes a test's scratch folder. A SIGKILLed server leaves its trial's uv running (trial children
 * run in their own process group, as they would after a real crash), and it may still be writing
 * into the uv cache there: retry until it is gone instead of failing on ENOTEMPTY.
 */
export function removeScratch(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
}

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // ./bin/ratchet runs the compiled dist/: build it from the current sources first.
    globalSetup: ['test/support/build-cli.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: keep the pool small so server and PostgreSQL tests do not starve each other.
    pool: 'forks',
    maxWorkers: 2,
    // Tests never write to the user's cache folder; the cache tests pass --cache-dir themselves.
    env: { RATCHET_CACHE_DIR: 'off' },
    // Property tests run with fixed seeds unless RATCHET_FUZZ=1 (`npm run fuzz`).
    setupFiles: ['test/support/fast-check-setup.ts'],
  },
});

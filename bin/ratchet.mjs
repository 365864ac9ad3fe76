#!/usr/bin/env node
// Runs the TypeScript CLI straight from the sources (tsx compiles on load): bin/ratchet's fallback
// when dist/ was not built. The shipped path is dist/cli/main.js (scripts/build-cli.mjs).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');

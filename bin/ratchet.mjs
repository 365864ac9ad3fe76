#!/usr/bin/env node
// Runs the TypeScript CLI straight from a checkout: tsx compiles on load, so a clean clone
// needs only `npm ci`, never a separate build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');

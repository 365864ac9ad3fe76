#!/usr/bin/env node
// `npm run bench [-- NAME...]`: runs the benchmarks in bench/ and writes docs/benchmarks.md.
import { register } from 'tsx/esm/api';

register();
await import('../bench/main.ts');

// The public face of run evidence and blast-radius classification (ARCHITECTURE.md: pure, no I/O).
export * from './openlineage/index.js';
export * from './evidence/index.js';
export * from './dbt/index.js';
export * from './classify/index.js';

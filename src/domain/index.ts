// The domain's public face: pure types and rules, no I/O (ARCHITECTURE.md "Layout").
export * from './audit/index.js';
export * from './errors/index.js';
export * from './input/index.js';
export * from './layers/index.js';
export * from './package-source/index.js';
export * from './policy/index.js';
export * from './revisions/index.js';
export * from './roles/index.js';
export * from './semver/index.js';
export * from './tenancy/index.js';
export * from './users/index.js';

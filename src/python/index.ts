// The public face of Ratchet's Python packaging semantics (ARCHITECTURE.md "Layout": src/python).
export * from './names/index.js';
export * from './version/index.js';
export * from './specifier/index.js';
export * from './marker/index.js';
export * from './requirement/index.js';
export * from './lock/index.js';
// export * from './metadata/index.js';

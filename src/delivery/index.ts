export * from './channels/index.js';
export * from './config/index.js';
export * from './deployers/index.js';
export * from './outbox/index.js';
export * from './signing/index.js';
export * from './worker/index.js';

export { API_VERSION, DEFAULT_BODY_LIMIT, buildServer, startServer } from './server.js';
export type { ServerOptions, StartOptions } from './server.js';
export { createLogger, REDACTED_PATHS } from './logger.js';
export type { LoggerOptions } from './logger.js';
export { PROBLEM_CONTENT_TYPE, makeProblem, problemKindOf, problemType, toProblem } from './problem.js';
export type { Problem, ProblemKind } from './problem.js';
export type { IdempotencyClaim, IdempotencyStore, IdempotentResponse } from './idempotency.js';
export { DEFAULT_QUOTAS, UNLIMITED_QUOTAS, quotasFromEnv } from './quotas.js';
export type { QuotaConfig } from './quotas.js';

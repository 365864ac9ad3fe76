import { pino } from 'pino';
import type { DestinationStream, Logger, LevelWithSilent } from 'pino';

/**
 * Paths pino blanks before a line is written. Fastify's request serializer leaves headers out,
 * but a handler that logs a request, a reply or an issued token must not leak a credential either.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'token',
  '*.token',
  'body.token',
  'res.body.token',
];

// rtk_<16 hex id>_<64 hex secret> (src/workflows/tokens.ts): the id may be logged, the secret never.
const TOKEN_SECRET = /(rtk_[0-9a-f]{16}_)[0-9a-f]{64}/gi;

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** Where lines go; stdout when absent. Tests pass a stream to read the lines back. */
  destination?: DestinationStream;
}

/** The JSON logger the server uses; pass its result as `buildServer({ logger })`. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? (process.env.RATCHET_LOG_LEVEL as LevelWithSilent | undefined) ?? 'info';
  const settings = {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    // Redaction works on known paths; a token pasted into a URL or a name ("GET /tenants/rtk_...")
    // would still reach the line. Mask every token-shaped secret in the finished line.
    hooks: { streamWrite: (line: string) => line.replace(TOKEN_SECRET, '$1[redacted]') },
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger } from 'pino';

/**
 * Field paths whose values never reach a log line: credentials, session
 * material and anything that may carry card data.
 */
export const redactedPaths: readonly string[] = [
  'password',
  '*.password',
  'secret',
  '*.secret',
  'ha1',
  '*.ha1',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.cookie',
  'cardNumber',
  '*.cardNumber',
  'nonceSecret',
  '*.nonceSecret',
  'databaseUrl',
  'redisUrl',
];

/** Builds the root structured logger; callers derive child loggers per call or request. */
export function createLogger(
  options: { level: string; name?: string },
  destination?: DestinationStream,
): Logger {
  return pino(
    {
      name: options.name ?? 'switchboard',
      level: options.level,
      redact: { paths: [...redactedPaths], censor: '[redacted]' },
    },
    destination,
  );
}

import { pino, type Logger } from 'pino';

export type { Logger };

/** The one logger; features take a child with `logger.child({ feature })`. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: { paths: ['password', '*.password', 'token', '*.token', 'body', '*.body'], censor: '[redacted]' },
  });
}

import { hostname } from 'node:os';
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Keys that hold personal data or secrets: censored wherever a log call passes them, so a
 * careless `logger.info({ user })` cannot leak an email or an IP address into the logs.
 */
const REDACTED_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'body',
  '*.body',
  'email',
  '*.email',
  'ip',
  '*.ip',
  'address',
  '*.address',
  'remoteAddress',
  '*.remoteAddress',
];

/**
 * The one logger; features take a child with `logger.child({ feature })`. `destination` is
 * stdout unless given (tests pass a stream to read what was logged). With `node` (NODE_ID),
 * every line says which server process wrote it: behind nginx, one fair is several processes.
 */
export function createLogger(level: string, destination?: DestinationStream, node?: string): Logger {
  const options = {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    ...(node === undefined ? {} : { base: { pid: process.pid, hostname: hostname(), node } }),
  };
  return destination ? pino(options, destination) : pino(options);
}

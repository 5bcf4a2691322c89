import { type Logger, pino } from 'pino';

// Credentials must never reach a log line, even if a caller logs a whole request or message by mistake.
const REDACT = [
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'key',
  '*.key',
  'jwtSecret',
  '*.jwtSecret',
  'publisherKeys',
  '*.publisherKeys',
];

/** Resolves the `logger` option: the given pino logger, a silent one for `false`, or pino at 'info' on stderr. */
export function createLogger(option: Logger | false | undefined): Logger {
  if (option === false) return pino({ enabled: false });
  if (option !== undefined) return option;
  return pino(
    { name: 'herald', level: 'info', redact: { paths: REDACT, censor: '[redacted]' } },
    pino.destination(2),
  );
}

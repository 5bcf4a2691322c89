import { type DestinationStream, type Logger, pino } from 'pino';

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

/** Options of {@link createHubLogger}. */
export interface HubLoggerOptions {
  /**
   * Lowest level written: `fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`.
   * @default 'info'
   */
  level?: string;
  /**
   * Where the JSON log lines go, e.g. a pretty-printer or a non-blocking writer.
   * @default stderr (fd 2), one JSON object per line
   */
  destination?: DestinationStream;
}

/**
 * Makes the logger a hub uses when the `logger` option of `startHub` is not given: pino named `herald`, with
 * tokens, keys and secrets redacted from every line. Pass it as `logger` to keep that redaction while
 * choosing the level or the destination.
 *
 * @example
 * ```ts
 * const hub = await startHub({ logger: createHubLogger({ level: 'debug' }) });
 * ```
 */
export function createHubLogger(options: HubLoggerOptions = {}): Logger {
  return pino(
    { name: 'herald', level: options.level ?? 'info', redact: { paths: REDACT, censor: '[redacted]' } },
    options.destination ?? pino.destination({ dest: 2, sync: true }),
  );
}

/** Resolves the `logger` option: the given pino logger, a silent one for `false`, else {@link createHubLogger}. */
export function createLogger(option: Logger | false | undefined): Logger {
  if (option === false) return pino({ enabled: false });
  return option ?? createHubLogger();
}

/**
 * The logging surface the simulator needs. A pino logger and `console` both satisfy it.
 */
export interface SimulatorLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A logger that drops everything (the default). */
export const silentLogger: SimulatorLogger = {
  info: () => {},
  warn: () => {},
  error: () => {},
};

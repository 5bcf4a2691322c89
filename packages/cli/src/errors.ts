/** A CLI failure: printed as one line (no stack) and turned into an exit code. */
export class CliError extends Error {
  /**
   * @param exitCode - 2 for usage errors (bad flag, missing argument), 1 for runtime failures.
   */
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Shorthand for a usage error (exit code 2). */
export function usage(message: string): CliError {
  return new CliError(message, 2);
}

/** Parses a port number, or throws a usage error naming the flag. */
export function parsePort(raw: string, flag = '--port'): number {
  const n = /^\d{1,5}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw usage(`${flag} must be a number from 0 to 65535`);
  return n;
}

/** The hub's WebSocket URL for an HTTP(S) or WS(S) base URL. */
export function wsUrlOf(base: string): string {
  const u = new URL(base);
  if (u.protocol === 'http:') u.protocol = 'ws:';
  else if (u.protocol === 'https:') u.protocol = 'wss:';
  if (!u.pathname.endsWith('/v1/ws')) u.pathname = `${u.pathname.replace(/\/$/, '')}/v1/ws`;
  return u.toString();
}

import { isLoopbackHost } from './dev-hub.js';

/** The allow-list entry that lets every origin in. */
export const ANY_ORIGIN = '*';

/**
 * An allow-list entry in the form browsers send in `Origin`: `scheme://host[:port]`, lower case, without a
 * default port. Throws a `RangeError` for anything else (a path, a query, another scheme).
 */
export function normalizeOrigin(entry: string): string {
  if (entry === ANY_ORIGIN) return ANY_ORIGIN;
  const bad = (): never => {
    throw new RangeError(
      `allowedOrigins: ${JSON.stringify(entry)} is not an origin such as https://app.example.com (scheme, host and port only)`,
    );
  };
  if (!URL.canParse(entry)) return bad();
  const url = new URL(entry);
  const plain = url.pathname === '/' && url.search === '' && url.hash === '' && url.username === '';
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !plain || url.password !== '') bad();
  return url.origin;
}

/** Whether `origin` is `http(s)://` on a loopback host (`localhost`, `127.0.0.1`, `[::1]`), any port. */
export function isLoopbackOrigin(origin: string): boolean {
  if (!URL.canParse(origin)) return false;
  const url = new URL(origin);
  return (
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.origin === origin &&
    isLoopbackHost(url.hostname)
  );
}

/**
 * Which browser origins may open WebSockets and call `/v1/*`, and the CORS answer they get. Requests
 * without `Origin` (servers, curl, same-origin GETs) are always allowed: only browsers send it, and they
 * always do for cross-origin requests and WebSocket upgrades.
 */
export class OriginPolicy {
  private readonly listed: ReadonlySet<string> | null;
  private readonly any: boolean;
  /** Whether a session cookie is honoured, so CORS answers must allow credentials. */
  readonly credentials: boolean;

  /**
   * @param open - Open dev hub: without a list, only loopback origins.
   * @param allowed - The normalized allow-list (`ResolvedConfig.allowedOrigins`), or `null` for the default.
   * @param credentials - Whether a session cookie is configured.
   */
  constructor(open: boolean, allowed: readonly string[] | null, credentials: boolean) {
    this.any = allowed === null ? !open : allowed.includes(ANY_ORIGIN);
    this.listed = allowed === null || this.any ? null : new Set(allowed);
    this.credentials = credentials;
  }

  /** Whether the answer depends on the request's `Origin` (so answers carry `Vary: Origin`). */
  get variesByOrigin(): boolean {
    return !this.any || this.credentials;
  }

  /** Whether a request carrying `origin` (`undefined` when it has no `Origin` header) may proceed. */
  allows(origin: string | undefined): boolean {
    if (origin === undefined || this.any) return true;
    return this.listed === null ? isLoopbackOrigin(origin) : this.listed.has(origin);
  }

  /**
   * The `Access-Control-Allow-Origin` value for an allowed request: `*` (nothing ambient to protect: the
   * refusal of other origins is the check), or the origin itself when credentials (the cookie) are allowed,
   * as browsers require; `undefined` when there is nothing to answer.
   */
  allowOrigin(origin: string | undefined): string | undefined {
    return this.credentials ? origin : '*';
  }
}

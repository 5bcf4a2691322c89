import type { Logger } from './types.js';

/** Fetches tokens, sharing one in-flight promise between concurrent callers. */
export interface TokenSource {
  /** The next token; callers that ask while a fetch runs get the same promise. */
  get(): Promise<string | undefined>;
}

/** Wraps the app's `getToken` so concurrent calls are deduplicated. Without `getToken`, tokens are undefined. */
export function createTokenSource(
  getToken: (() => string | null | undefined | Promise<string | null | undefined>) | undefined,
): TokenSource {
  let inflight: Promise<string | undefined> | undefined;
  return {
    get() {
      if (!getToken) return Promise.resolve(undefined);
      // `.then` keeps even a synchronous throw asynchronous, so `finally` always runs after assignment.
      inflight ??= Promise.resolve()
        .then(getToken)
        .then((token) => token ?? undefined)
        .finally(() => {
          inflight = undefined;
        });
      return inflight;
    },
  };
}

/** The connection token: its source, the rule after a refused token, and the in-band refresh. */
export interface Auth extends TokenSource {
  /** The token the current connection presented, or the one it was last refreshed to. */
  readonly token: string | undefined;
  /**
   * Takes `next` for a connection attempt. After the hub refused a token the next one must differ: false
   * (give up) when `getToken` gave the same one again, or none.
   */
  use(next: string | undefined): boolean;
  /**
   * The hub closed for auth (4401, 4409): true when one immediate retry with a fresh token is worth it,
   * which needs `getToken` and holds once until a connection succeeds again.
   */
  refused(): boolean;
  /** The hub accepted a connection: a later auth close earns its one retry again. */
  accepted(): void;
  /** On `refresh_required`: fetches a token and hands it to `send`, unless `current()` no longer holds. */
  refresh(current: () => boolean, send: (token: string) => void): void;
}

/** Creates the client's auth over the app's `getToken` (none: an open hub, no token is ever sent). */
export function createAuth(getToken: Parameters<typeof createTokenSource>[0], log: Logger): Auth {
  const source = createTokenSource(getToken);
  let token: string | undefined;
  let rejected: string | undefined | null = null; // after an auth close: the token the hub refused
  return {
    get: source.get,
    get token() {
      return token;
    },
    use(next) {
      if (rejected !== null && (next === undefined || next === rejected)) return false;
      token = next;
      return true;
    },
    refused() {
      if (!getToken || rejected !== null) return false;
      rejected = token;
      return true;
    },
    accepted() {
      rejected = null;
    },
    refresh(current, send) {
      source.get().then(
        (next) => {
          if (!current() || !next) return;
          token = next;
          send(next);
        },
        (error: unknown) => log.warn?.('herald: getToken failed on refresh', error),
      );
    },
  };
}

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

/** Options for {@link waitFor}. */
export interface WaitForOptions {
  /**
   * How long to keep trying before rejecting, in milliseconds.
   * @default 10000
   */
  timeoutMs?: number;
  /**
   * Pause between attempts, in milliseconds.
   * @default 20
   */
  intervalMs?: number;
  /**
   * Describes what was awaited; used as the rejection message on timeout (with the last error appended).
   * @default a generic "timed out" message, or the last error itself
   */
  message?: string;
}

/**
 * What {@link waitFor} resolves with: the result of `fn`, without the falsy values that keep it waiting.
 * A `boolean` callback resolves with `true`, `() => list.find(p) ?? false` with the found item.
 */
export type WaitForResult<T> = Exclude<T, false | null | 0 | 0n | ''>;

/**
 * Polls `fn` until it succeeds, instead of sleeping a fixed time. One rule covers both kinds of callback:
 *
 * - a **predicate or lookup** (`() => events.length === 3`, `() => out.match(re)`) succeeds when it returns
 *   a truthy value, and `waitFor` resolves with that value; `false`, `null`, `0` and `''` keep waiting;
 * - an **assertion callback** (`() => expect(events).toHaveLength(3)`, which returns nothing) succeeds once
 *   it stops throwing.
 *
 * So `undefined` counts as success. A lookup that yields `undefined` for "not yet" (`Array.prototype.find`,
 * an optional property) must say so with `?? false`, or it would resolve at once. A throw always counts
 * as "not yet".
 *
 * On timeout it rejects with the last error `fn` threw (so assertion diffs stay readable), or, when
 * `message` is given or nothing threw, with an `Error` carrying `message` (and the last error as `cause`).
 * An attempt that hangs is cut off at the deadline too.
 *
 * @example
 * ```ts
 * await waitFor(() => expect(received).toHaveLength(3));
 * await waitFor(() => hub.connectionCount() === 0, { timeoutMs: 20_000 });
 * const ack = await waitFor(() => acks.find((a) => a.id === 'x') ?? false, { message: 'ack for x' });
 * ```
 */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  options: WaitForOptions = {},
): Promise<WaitForResult<T>> {
  const { timeoutMs = 10_000, intervalMs = 20, message } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  let hasError = false;
  let lastResult: unknown;
  let hung = false;

  for (;;) {
    const attempt = await attemptUntil(fn, deadline);
    if (attempt.kind === 'value') {
      // Only the falsy values WaitForResult excludes get here as failures.
      if (attempt.value || attempt.value === undefined) return attempt.value as WaitForResult<T>;
      hasError = false;
      lastResult = attempt.value;
    } else if (attempt.kind === 'error') {
      hasError = true;
      lastError = attempt.error;
    }
    const remaining = deadline - Date.now();
    hung = attempt.kind === 'timeout';
    if (hung || remaining <= 0) break;
    await sleep(Math.min(intervalMs, remaining));
  }

  if (hasError && !hung && message === undefined) throw lastError;
  const detail = hung
    ? ' (the last attempt never settled)'
    : hasError
      ? `: ${describe(lastError)}`
      : ` (last result: ${String(lastResult)})`;
  throw new Error(`${message ?? `waitFor timed out after ${timeoutMs} ms`}${detail}`, {
    cause: hasError ? lastError : undefined,
  });
}

type Attempt<T> =
  | { readonly kind: 'value'; readonly value: T }
  | { readonly kind: 'error'; readonly error: unknown }
  | { readonly kind: 'timeout' };

/** Runs one attempt, but gives up on it at the deadline so a hanging promise cannot stall the wait. */
async function attemptUntil<T>(fn: () => T | Promise<T>, deadline: number): Promise<Attempt<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Attempt<T>>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timeout' }), Math.max(0, deadline - Date.now()));
  });
  const run = (async (): Promise<Attempt<T>> => {
    try {
      return { kind: 'value', value: await fn() };
    } catch (error) {
      return { kind: 'error', error };
    }
  })();
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

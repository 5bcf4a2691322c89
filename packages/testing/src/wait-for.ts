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
 * Polls `fn` until it succeeds, instead of sleeping a fixed time. An attempt succeeds when `fn` (or its
 * promise) neither throws nor returns a falsy value other than `undefined`: a truthy result resolves with
 * that result, and an assertion callback that returns nothing resolves once its assertions pass. `false`,
 * `null`, `0` and `''` keep waiting. To wait for a value that may be `undefined`, return `value ?? false`.
 *
 * On timeout it rejects with the last error `fn` threw (so assertion diffs stay readable), or with an
 * `Error` carrying `message` (and the last error as `cause`). An attempt that hangs is cut off at the
 * deadline too.
 *
 * @example
 * ```ts
 * await waitFor(() => expect(received).toHaveLength(3));
 * const ack = await waitFor(() => acks.find((a) => a.id === 'x') ?? false, { message: 'ack for x' });
 * ```
 */
export async function waitFor<T>(fn: () => T | Promise<T>, options: WaitForOptions = {}): Promise<T> {
  const { timeoutMs = 10_000, intervalMs = 20, message } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  let hasError = false;
  let lastResult: unknown;
  let hung = false;

  for (;;) {
    const attempt = await attemptUntil(fn, deadline);
    if (attempt.kind === 'value') {
      if (attempt.value || attempt.value === undefined) return attempt.value;
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

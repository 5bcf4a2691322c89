/**
 * Microseconds on the system-wide monotonic clock. `process.hrtime` reads CLOCK_MONOTONIC, which is shared
 * by every process on the machine, so a timestamp taken in the server process can be compared with one
 * taken in the client process.
 */
export function nowUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns true; rejects with `message` after `timeoutMs`. */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  message: string,
  intervalMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${message}`);
    await sleep(intervalMs);
  }
}

/** Rejects with `message` if `promise` has not settled within `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${message}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Retries `start` while it fails with `EADDRINUSE`: after a close, the OS can hold the port for a moment
 * (sockets still closing), and a restart must get the same port back rather than a new one.
 */
export async function listenWithRetry<T>(
  start: () => Promise<T>,
  { attempts = 40, delayMs = 50 }: { attempts?: number; delayMs?: number } = {},
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await start();
    } catch (error) {
      if (attempt >= attempts || !isAddressInUse(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

/** True when `error`, or any error in its `cause` chain, is an `EADDRINUSE`. */
export function isAddressInUse(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth += 1) {
    if ((current as NodeJS.ErrnoException).code === 'EADDRINUSE' || current.message.includes('EADDRINUSE')) {
      return true;
    }
    current = current.cause;
  }
  return false;
}

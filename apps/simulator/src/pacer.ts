/**
 * Scaled, abortable waiting. Scenario code speaks in "demo milliseconds"; the pacer divides them by the
 * speed factor so tests can replay a 20-second run in under a second.
 */
export interface Pacer {
  /** The speed factor: 2 means everything happens twice as fast. */
  readonly speed: number;
  /** Waits `ms / speed` milliseconds. Resolves `false` (early) when the signal aborts, else `true`. */
  sleep(ms: number): Promise<boolean>;
  /** Whether the run was stopped. */
  readonly stopped: boolean;
}

/** Creates a {@link Pacer}. `speed` must be a positive finite number. */
export function createPacer(speed: number, signal: AbortSignal): Pacer {
  if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`speed must be > 0, got ${speed}`);
  return {
    speed,
    get stopped() {
      return signal.aborted;
    },
    sleep: (ms) => abortableDelay(ms / speed, signal),
  };
}

/** Waits `ms` real milliseconds, or less if `signal` aborts. Resolves whether the full wait elapsed. */
export function abortableDelay(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      },
      Math.max(0, ms),
    );
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** A `{subscribe, getSnapshot}` store, as `useSyncExternalStore` reads it. */
export interface SnapshotSource<T> {
  subscribe(listener: () => void): () => void;
  getSnapshot(): T;
}

/** The clock and timers a throttle uses (injectable so the pure logic can be tested with fake timers). */
export interface ThrottleClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const defaultClock: ThrottleClock = {
  now: () => (typeof performance === 'undefined' ? Date.now() : performance.now()),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * A view of `source` that tells its listeners at most once per `ms` and always ends on the source's
 * latest snapshot: the first change after a quiet interval is published at once, later ones are folded
 * into one trailing publish. `getSnapshot` returns the snapshot last published, so a render caused by
 * something else (a parent, another hook) shows the same state as the last throttled one and the
 * interval holds. The source keeps applying every event meanwhile, so nothing is lost, only not drawn yet.
 */
export function throttleSource<T>(
  source: SnapshotSource<T>,
  ms: number,
  clock: ThrottleClock = defaultClock,
): SnapshotSource<T> {
  let published = source.getSnapshot();
  let publishedAt = Number.NEGATIVE_INFINITY;
  let timer: unknown;
  let scheduled = false;
  let stopSource: (() => void) | null = null;
  const listeners = new Set<() => void>();

  const publish = (): void => {
    scheduled = false;
    // Timers may fire a little early against the clock: never publish before the interval is over.
    const wait = publishedAt + ms - clock.now();
    if (wait > 0) {
      schedule(wait);
      return;
    }
    const next = source.getSnapshot();
    if (Object.is(next, published)) return;
    published = next;
    publishedAt = clock.now();
    for (const listener of [...listeners]) listener();
  };
  const schedule = (wait: number): void => {
    scheduled = true;
    timer = clock.setTimeout(publish, wait);
  };
  const onChange = (): void => {
    if (scheduled) return;
    const wait = publishedAt + ms - clock.now();
    if (wait > 0) schedule(wait);
    else publish();
  };

  return {
    getSnapshot: () => published,
    subscribe(listener) {
      listeners.add(listener);
      if (stopSource === null) {
        stopSource = source.subscribe(onChange);
        onChange(); // catch up with what changed while nobody listened
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size > 0 || stopSource === null) return;
        stopSource();
        stopSource = null;
        if (scheduled) clock.clearTimeout(timer);
        scheduled = false;
      };
    },
  };
}

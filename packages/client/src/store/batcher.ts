/** Runs a callback once, soon: the next animation frame by default. */
export type FrameScheduler = (callback: () => void) => void;

/** Batches notifications so a burst of events causes at most one flush per frame (cf. TanStack notifyManager). */
export interface NotifyBatcher {
  /** Queues `task` for the next flush; a task queued twice before the flush runs once. */
  schedule(task: () => void): void;
  /** Runs every queued task now. */
  flush(): void;
  /** Replaces how flushes are scheduled (tests, or `queueMicrotask` for server rendering). */
  setScheduler(scheduler: FrameScheduler): void;
}

/** Milliseconds between flushes when `requestAnimationFrame` is unavailable (about one 60 Hz frame). */
export const FALLBACK_FRAME_MS = 16;

/** `requestAnimationFrame`, or `setTimeout(16)` where there is none (Node, workers, some test setups). */
export const frameScheduler: FrameScheduler = (callback) => {
  if (typeof globalThis.requestAnimationFrame === 'function')
    globalThis.requestAnimationFrame(() => callback());
  else setTimeout(callback, FALLBACK_FRAME_MS);
};

/** Creates a batcher; `scheduler` defaults to {@link frameScheduler}. */
export function createNotifyBatcher(scheduler: FrameScheduler = frameScheduler): NotifyBatcher {
  let schedule = scheduler;
  let queue = new Set<() => void>();
  let scheduled = false;

  const flush = (): void => {
    scheduled = false;
    const tasks = queue;
    queue = new Set();
    for (const task of tasks) task();
  };

  return {
    schedule(task) {
      queue.add(task);
      if (scheduled) return;
      scheduled = true;
      schedule(flush);
    },
    flush,
    setScheduler(next) {
      schedule = next;
    },
  };
}

/** The batcher every Herald store uses unless given another. */
export const notifyBatcher: NotifyBatcher = createNotifyBatcher();

/**
 * A store's "something changed" signal: the function it returns queues `flush` on `batcher` once, however
 * many changes come before that flush runs. The flag, not the batcher's queue, keeps it once: a custom
 * batcher need not dedupe, and a change while the batcher runs other tasks must not queue it again.
 */
export function batchedFlush(batcher: NotifyBatcher, flush: () => void): () => void {
  let dirty = false;
  const run = (): void => {
    dirty = false;
    flush();
  };
  return () => {
    if (dirty) return;
    dirty = true;
    batcher.schedule(run);
  };
}

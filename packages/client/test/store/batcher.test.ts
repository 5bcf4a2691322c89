// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import {
  batchedFlush,
  createNotifyBatcher,
  type FrameScheduler,
  type NotifyBatcher,
} from '../../src/store/batcher.js';

function manualScheduler(): { scheduler: FrameScheduler; run: () => void; pending: () => number } {
  let callbacks: (() => void)[] = [];
  return {
    scheduler: (cb) => {
      callbacks.push(cb);
    },
    run: () => {
      const current = callbacks;
      callbacks = [];
      for (const cb of current) cb();
    },
    pending: () => callbacks.length,
  };
}

describe('createNotifyBatcher', () => {
  it('schedules one frame for any number of tasks and runs each distinct task once', () => {
    const frames = manualScheduler();
    const batcher = createNotifyBatcher(frames.scheduler);
    const calls: string[] = [];
    const a = () => calls.push('a');
    const b = () => calls.push('b');
    for (let i = 0; i < 1000; i++) batcher.schedule(a);
    batcher.schedule(b);
    expect(frames.pending()).toBe(1);
    expect(calls).toEqual([]);
    frames.run();
    expect(calls).toEqual(['a', 'b']);
  });

  it('tasks scheduled during a flush run in the next frame', () => {
    const frames = manualScheduler();
    const batcher = createNotifyBatcher(frames.scheduler);
    const calls: number[] = [];
    batcher.schedule(() => {
      calls.push(1);
      batcher.schedule(() => calls.push(2));
    });
    frames.run();
    expect(calls).toEqual([1]);
    expect(frames.pending()).toBe(1);
    frames.run();
    expect(calls).toEqual([1, 2]);
  });

  it('flush() runs queued tasks synchronously', () => {
    const frames = manualScheduler();
    const batcher = createNotifyBatcher(frames.scheduler);
    let ran = 0;
    batcher.schedule(() => ran++);
    batcher.flush();
    expect(ran).toBe(1);
    frames.run();
    expect(ran).toBe(1);
  });

  it('falls back to setTimeout when requestAnimationFrame is missing', async () => {
    const raf = globalThis.requestAnimationFrame;
    Reflect.deleteProperty(globalThis, 'requestAnimationFrame');
    try {
      expect(typeof globalThis.requestAnimationFrame).toBe('undefined');
      const batcher = createNotifyBatcher();
      const done = new Promise<void>((resolve) => batcher.schedule(resolve));
      await done;
    } finally {
      if (raf !== undefined) globalThis.requestAnimationFrame = raf;
    }
  });
});

describe('batchedFlush', () => {
  it('queues the flush once until it runs, even on a batcher that does not dedupe', () => {
    const queued: (() => void)[] = [];
    const batcher: NotifyBatcher = {
      schedule: (task) => {
        queued.push(task);
      },
      flush: () => {
        for (const task of queued.splice(0)) task();
      },
      setScheduler: () => {},
    };
    let flushes = 0;
    const markDirty = batchedFlush(batcher, () => flushes++);
    markDirty();
    markDirty();
    expect(queued).toHaveLength(1);
    batcher.flush();
    expect(flushes).toBe(1);
    markDirty();
    expect(queued).toHaveLength(1);
  });

  it('does not queue the flush again for a change made while the batcher runs other tasks first', () => {
    const frames = manualScheduler();
    const batcher = createNotifyBatcher(frames.scheduler);
    let flushes = 0;
    const markDirty = batchedFlush(batcher, () => flushes++);
    batcher.schedule(() => markDirty());
    markDirty();
    frames.run();
    expect(flushes).toBe(1);
    expect(frames.pending()).toBe(0);
  });
});

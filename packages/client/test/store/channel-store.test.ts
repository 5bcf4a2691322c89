import { ErrorCode, HeraldError } from '@herald/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createNotifyBatcher } from '../../src/store/batcher.js';
import { ChannelStore } from '../../src/store/channel-store.js';
import { envelope, type FakeClient, fakeClient, manualFrames } from './fake-client.js';

let fake: FakeClient;
let frames: ReturnType<typeof manualFrames>;

function makeStore(since?: { epoch?: string; seq: number }): ChannelStore {
  const batcher = createNotifyBatcher(frames.scheduler);
  return new ChannelStore(fake.client, 'run:1', since === undefined ? { batcher } : { since, batcher });
}

beforeEach(() => {
  // Pure logic: the release delay is a timer, so fake timers decide when a subscription ends.
  vi.useFakeTimers();
  fake = fakeClient();
  frames = manualFrames();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('ChannelStore subscribe and snapshot', () => {
  it('starts loading, subscribes the client once for any number of consumers and passes `since`', () => {
    const store = makeStore({ seq: 0 });
    expect(store.getSnapshot()).toEqual({ events: [], status: 'loading', error: null, gap: null });
    store.subscribe(() => {});
    store.subscribe(() => {});
    store.tap(() => {});
    expect(fake.subscriptions).toHaveLength(1);
    expect(fake.last().channel).toBe('run:1');
    expect(fake.last().options.since).toEqual({ seq: 0 });
  });

  it('omits `since` when following live events only', () => {
    makeStore().subscribe(() => {});
    expect('since' in fake.last().options).toBe(false);
  });

  it('publishes a burst of events as one new snapshot per frame, keeping identity between flushes', () => {
    const store = makeStore();
    const listener = vi.fn();
    store.subscribe(listener);
    const before = store.getSnapshot();
    for (let seq = 1; seq <= 50; seq++) fake.last().options.onEvent?.(envelope(seq));
    expect(store.getSnapshot()).toBe(before);
    expect(frames.pending()).toBe(1);
    frames.run();
    expect(listener).toHaveBeenCalledTimes(1);
    const after = store.getSnapshot();
    expect(after.events.map((e) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(store.getSnapshot()).toBe(after);
  });

  it('goes live on subscribed and to error (with the error) when refused', () => {
    const store = makeStore();
    store.subscribe(() => {});
    fake.last().options.onSubscribed?.({ channel: 'run:1', epoch: 'e1', lastSeq: 0, recovered: true });
    frames.run();
    expect(store.getSnapshot().status).toBe('live');
    const refused = new HeraldError(ErrorCode.Forbidden, 'no');
    fake.last().options.onError?.(refused);
    frames.run();
    expect(store.getSnapshot()).toMatchObject({ status: 'error', error: refused });
  });

  it('reports a synchronous subscribe failure (a bad channel name) as an error snapshot', () => {
    const store = makeStore();
    fake.failNextSubscribe(new Error('bad name'));
    store.subscribe(() => {});
    frames.run();
    const { status, error } = store.getSnapshot();
    expect(status).toBe('error');
    expect(error).toBeInstanceOf(HeraldError);
    expect(error?.code).toBe(ErrorCode.BadChannel);
    expect(error?.message).toBe('bad name');
  });

  it('drops events whose seq it already holds', () => {
    const store = makeStore();
    store.subscribe(() => {});
    for (const seq of [1, 2, 2, 1, 3]) fake.last().options.onEvent?.(envelope(seq));
    frames.run();
    expect(store.getSnapshot().events.map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('keeps the newest `capacity` events; the largest capacity asked for wins', () => {
    const store = makeStore();
    store.ensureCapacity(1500);
    store.ensureCapacity(10);
    store.subscribe(() => {});
    for (let seq = 1; seq <= 1600; seq++) fake.last().options.onEvent?.(envelope(seq));
    frames.run();
    const seqs = store.getSnapshot().events.map((e) => e.seq);
    expect(seqs).toHaveLength(1500);
    expect(seqs[0]).toBe(101);
    expect(seqs.at(-1)).toBe(1600);
  });

  it('records a gap as the client reports it (GapInfo) and resumes after it', () => {
    const store = makeStore({ seq: 0 });
    const release = store.retain();
    const gap = { channel: 'run:1', last: { epoch: 'e1', seq: 3 }, epoch: 'e2', lastSeq: 9 };
    fake.last().options.onGap?.(gap);
    frames.run();
    expect(store.getSnapshot().gap).toBe(gap);
    release();
    vi.runAllTimers();
    store.retain();
    expect(fake.last().options.since).toEqual({ epoch: 'e2', seq: 9 });
  });

  it('a listener added while listeners run is not called in that flush; one removed still is', () => {
    const store = makeStore();
    const calls: string[] = [];
    let removeB: () => void = () => {};
    store.subscribe(() => {
      calls.push('a');
      removeB();
      store.subscribe(() => calls.push('late'));
    });
    removeB = store.subscribe(() => calls.push('b'));
    fake.last().options.onEvent?.(envelope(1));
    frames.run();
    expect(calls).toEqual(['a', 'b']);
  });
});

describe('ChannelStore reference counting', () => {
  it('unsubscribes the client after the last consumer leaves, once the release delay passed', () => {
    const store = makeStore();
    const offA = store.subscribe(() => {});
    const offB = store.subscribe(() => {});
    offA();
    offA(); // idempotent: must not count twice
    vi.runAllTimers();
    expect(fake.last().unsubscribed).toBe(false);
    offB();
    expect(fake.last().unsubscribed).toBe(false);
    vi.runAllTimers();
    expect(fake.last().unsubscribed).toBe(true);
  });

  it('a consumer that comes back within the release delay reuses the subscription (StrictMode remount)', () => {
    const store = makeStore();
    store.subscribe(() => {})();
    store.subscribe(() => {});
    vi.runAllTimers();
    expect(fake.subscriptions).toHaveLength(1);
    expect(fake.last().unsubscribed).toBe(false);
  });

  it('restarts from the last event it saw, keeping what it holds, and tells its lifecycle', () => {
    const onActive = vi.fn();
    const onIdle = vi.fn();
    const batcher = createNotifyBatcher(frames.scheduler);
    const store = new ChannelStore(fake.client, 'run:1', {
      since: { seq: 0 },
      batcher,
      lifecycle: { onActive, onIdle },
    });
    const off = store.subscribe(() => {});
    expect(onActive).toHaveBeenCalledWith(store);
    fake.last().options.onSubscribed?.({ channel: 'run:1', epoch: 'e1', lastSeq: 2, recovered: true });
    fake.last().options.onEvent?.(envelope(1));
    fake.last().options.onEvent?.(envelope(2));
    off();
    vi.runAllTimers();
    expect(onIdle).toHaveBeenCalledWith(store);
    store.subscribe(() => {});
    expect(onActive).toHaveBeenCalledTimes(2);
    expect(fake.subscriptions).toHaveLength(2);
    expect(fake.last().options.since).toEqual({ epoch: 'e1', seq: 2 });
    fake.last().options.onEvent?.(envelope(2));
    fake.last().options.onEvent?.(envelope(3));
    frames.run();
    expect(store.getSnapshot().events.map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('after an unrecovered subscribe, live events start after the reported lastSeq', () => {
    const store = makeStore({ epoch: 'old', seq: 5 });
    store.subscribe(() => {});
    fake.last().options.onSubscribed?.({ channel: 'run:1', epoch: 'new', lastSeq: 7, recovered: false });
    fake.last().options.onEvent?.(envelope(7));
    fake.last().options.onEvent?.(envelope(8));
    frames.run();
    expect(store.getSnapshot().events.map((e) => e.seq)).toEqual([8]);
  });
});

describe('ChannelStore taps', () => {
  it('calls taps synchronously, marking events replayed from before the subscription as history', () => {
    const store = makeStore({ seq: 0 });
    const seen: [number, boolean][] = [];
    store.tap((event, history) => seen.push([event.seq, history]));
    fake.last().options.onSubscribed?.({ channel: 'run:1', epoch: 'e1', lastSeq: 2, recovered: true });
    fake.last().options.onEvent?.(envelope(1));
    fake.last().options.onEvent?.(envelope(2));
    fake.last().options.onEvent?.(envelope(3));
    expect(seen).toEqual([
      [1, true],
      [2, true],
      [3, false],
    ]);
  });

  it('the same function tapped twice is removed independently; a throwing tap does not stop the others', () => {
    const thrown: unknown[] = [];
    // The store rethrows a tap's error in a microtask (an uncaught error); capture it instead.
    const microtask = vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((task) => {
      try {
        task();
      } catch (error) {
        thrown.push(error);
      }
    });
    try {
      const store = makeStore();
      const boom = new Error('app bug');
      store.tap(() => {
        throw boom;
      });
      const seen: number[] = [];
      const tap = (event: { seq: number }) => seen.push(event.seq);
      const off = store.tap(tap);
      store.tap(tap);
      fake.last().options.onEvent?.(envelope(1));
      off();
      fake.last().options.onEvent?.(envelope(2));
      expect(seen).toEqual([1, 1, 2]);
      expect(thrown).toEqual([boom, boom]);
    } finally {
      microtask.mockRestore();
    }
  });
});

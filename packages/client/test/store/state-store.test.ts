import { type Envelope, ErrorCode, HeraldError, type StateOp } from '@herald/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createNotifyBatcher } from '../../src/store/batcher.js';
import { getChannelStateStore } from '../../src/store/registry.js';
import { ChannelStateStore } from '../../src/store/state-store.js';
import { type FakeClient, fakeClient, manualFrames } from './fake-client.js';

let fake: FakeClient;
let frames: ReturnType<typeof manualFrames>;

const makeStore = () =>
  new ChannelStateStore(fake.client, 'job:1', {
    batcher: createNotifyBatcher(frames.scheduler),
    retryMs: 100,
  });

/** An event at `seq` that increments /n by one (and appends to /log), as a publisher would send it. */
const op = (
  seq: number,
  ops: StateOp[] = [
    { op: 'increment', path: '/n', value: 1 },
    { op: 'append', path: '/log', value: `${seq},` },
  ],
): Envelope => ({ channel: 'job:1', seq, id: `e${seq}`, ts: '', type: 'step', data: null, state: ops });

const body = (seq: number, state: Record<string, unknown>, epoch = 'e1') =>
  ({ channel: 'job:1', epoch, seq, state }) as never;
const subscribed = (lastSeq: number, snapshot: boolean, recovered = true, epoch = 'e1') => ({
  channel: 'job:1',
  epoch,
  lastSeq,
  recovered,
  snapshot,
});
/** Lets queued microtasks and settled promises run. */
const settle = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

beforeEach(() => {
  vi.useFakeTimers();
  fake = fakeClient();
  frames = manualFrames();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('ChannelStateStore', () => {
  it('subscribes once with snapshot: true, takes the snapshot, applies each event’s ops, one notification per frame', async () => {
    const store = makeStore();
    const listener = vi.fn();
    store.subscribe(listener);
    store.subscribe(() => {});
    expect(fake.subscriptions).toHaveLength(1);
    expect(fake.last().options.snapshot).toBe(true);
    expect(store.getSnapshot()).toMatchObject({ state: {}, seq: 0, status: 'loading', epoch: null });

    const { options } = fake.last();
    options.onSubscribed?.(subscribed(10, true));
    options.onSnapshot?.(body(10, { n: 10, log: '' }));
    for (let seq = 11; seq <= 13; seq++) options.onEvent?.(op(seq));
    await settle();
    expect(listener).not.toHaveBeenCalled();
    frames.run();
    expect(listener).toHaveBeenCalledTimes(1);
    expect(store.getSnapshot()).toEqual({
      state: { n: 13, log: '11,12,13,' },
      epoch: 'e1',
      seq: 13,
      status: 'live',
      error: null,
    });
    expect(fake.fetches).toHaveLength(0);
    const same = store.getSnapshot();
    frames.run();
    expect(store.getSnapshot()).toBe(same);
  });

  it('drops events already in the snapshot and ignores events without state ops (but moves its seq)', () => {
    const store = makeStore();
    store.subscribe(() => {});
    const { options } = fake.last();
    options.onSnapshot?.(body(5, { n: 5 }));
    options.onEvent?.(op(4));
    options.onEvent?.(op(5));
    const { state: _none, ...bare } = op(6);
    options.onEvent?.(bare);
    options.onEvent?.(op(7, [{ op: 'increment', path: '/n', value: 10 }]));
    frames.run();
    expect(store.getSnapshot()).toMatchObject({ state: { n: 15 }, seq: 7 });
  });

  it('folds from the empty document, without any fetch, a channel that has nothing yet', async () => {
    const store = makeStore();
    store.subscribe(() => {});
    const sub = fake.last();
    sub.position = { epoch: 'e1', seq: 0 };
    sub.options.onSubscribed?.(subscribed(0, false));
    await settle();
    frames.run();
    expect(store.getSnapshot()).toMatchObject({ state: {}, seq: 0, status: 'live' });
    for (let seq = 1; seq <= 3; seq++) sub.options.onEvent?.(op(seq));
    frames.run();
    expect(store.getSnapshot()).toMatchObject({ state: { n: 3, log: '1,2,3,' }, seq: 3, status: 'live' });
    expect(fake.fetches).toHaveLength(0);
  });

  it('takes the state over HTTP, not `{}` as live, when another reader replays the channel from its start', async () => {
    const store = makeStore();
    store.subscribe(() => {});
    const sub = fake.last();
    sub.position = { epoch: 'e1', seq: 0 }; // replayed from its start by another reader's since
    sub.options.onSubscribed?.(subscribed(3, false));
    await settle();
    frames.run();
    expect(store.getSnapshot().status).toBe('loading');
    expect(fake.fetches).toHaveLength(1);
    for (let seq = 1; seq <= 4; seq++) sub.options.onEvent?.(op(seq)); // the replay, then a live event
    fake.fetches[0]?.resolve(body(3, { n: 3, log: '1,2,3,' }));
    await settle();
    frames.run();
    // 1-3 are in the fetched state; 4 continues from it.
    expect(store.getSnapshot()).toMatchObject({ state: { n: 4, log: '1,2,3,4,' }, seq: 4, status: 'live' });
  });

  it('joining a channel already live fetches the state over HTTP and holds back events until it is there', async () => {
    const store = makeStore();
    fake.client.subscribe = ((original) =>
      function (this: unknown, ...args: Parameters<typeof original>) {
        const sub = original.apply(fake.client, args);
        // The channel was subscribed by someone else: live at seq 20, and the replayed `subscribed` says no snapshot follows.
        fake.last().position = { epoch: 'e1', seq: 20 };
        return sub;
      })(fake.client.subscribe);
    store.subscribe(() => {});
    expect(fake.fetches).toHaveLength(1);
    const { options } = fake.last();
    options.onEvent?.(op(21));
    options.onEvent?.(op(22));
    fake.fetches[0]?.resolve(body(21, { n: 100, log: 'x' }));
    await settle();
    frames.run();
    // 21 is in the fetched state; 22 continues from it.
    expect(store.getSnapshot()).toMatchObject({ state: { n: 101, log: 'x22,' }, seq: 22, status: 'live' });
  });

  it('an event that skips a seq, or ops that fail to apply here, take the hub’s state', async () => {
    const store = makeStore();
    store.subscribe(() => {});
    const { options } = fake.last();
    options.onSnapshot?.(body(1, { n: 1 }));
    options.onEvent?.(op(3)); // 2 is missing
    expect(fake.fetches).toHaveLength(1);
    fake.fetches[0]?.resolve(body(3, { n: 3 }));
    await settle();
    options.onEvent?.(op(4, [{ op: 'test', path: '/n', value: 999 }])); // our copy disagrees with the hub's
    expect(fake.fetches).toHaveLength(2);
    options.onEvent?.(op(5, [{ op: 'increment', path: '/n', value: 1 }]));
    fake.fetches[1]?.resolve(body(4, { n: 4, fixed: true }));
    await settle();
    frames.run();
    expect(store.getSnapshot()).toMatchObject({ state: { n: 5, fixed: true }, seq: 5, status: 'live' });
  });

  it('a failed fetch is reported and retried with backoff; a later snapshot from the socket wins', async () => {
    const store = makeStore();
    store.subscribe(() => {});
    const { options } = fake.last();
    options.onSnapshot?.(body(1, { n: 1 }));
    options.onEvent?.(op(3));
    fake.fetches[0]?.reject(new HeraldError(ErrorCode.ConnectionLost, 'offline'));
    await settle();
    frames.run();
    expect(store.getSnapshot().error?.code).toBe(ErrorCode.ConnectionLost);
    expect(fake.fetches).toHaveLength(1);
    vi.advanceTimersByTime(100);
    expect(fake.fetches).toHaveLength(2);
    fake.fetches[1]?.reject(new Error('still offline'));
    await settle();
    vi.advanceTimersByTime(199);
    expect(fake.fetches).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(fake.fetches).toHaveLength(3);
    options.onSnapshot?.(body(7, { n: 7 })); // e.g. after a reconnect the hub sent a fresh one
    fake.fetches[2]?.resolve(body(3, { n: 3 })); // older, and answering a superseded fetch: dropped
    await settle();
    frames.run();
    expect(store.getSnapshot()).toMatchObject({ state: { n: 7 }, seq: 7, status: 'live', error: null });
  });

  it('after a reconnect that resumed, goes on without a fetch; an epoch change without snapshot fetches', async () => {
    const store = makeStore();
    store.subscribe(() => {});
    const sub = fake.last();
    sub.options.onSnapshot?.(body(2, { n: 2 }));
    sub.position = { epoch: 'e1', seq: 2 };
    sub.options.onSubscribed?.(subscribed(2, false, true));
    await settle();
    expect(fake.fetches).toHaveLength(0);
    sub.position = { epoch: 'e2', seq: 9 };
    sub.options.onSubscribed?.(subscribed(9, false, false, 'e2'));
    await settle();
    expect(fake.fetches).toHaveLength(1);
  });

  it('a refused subscription is an error status; stopping unsubscribes and drops a fetch in flight', async () => {
    const store = makeStore();
    const release = store.subscribe(() => {});
    const { options } = fake.last();
    options.onError?.(new HeraldError(ErrorCode.Forbidden, 'no'));
    frames.run();
    expect(store.getSnapshot()).toMatchObject({ status: 'error' });
    expect(store.getSnapshot().error?.code).toBe(ErrorCode.Forbidden);
    options.onSnapshot?.(body(1, { n: 1 }));
    options.onEvent?.(op(3));
    release();
    vi.runAllTimers();
    expect(fake.last().unsubscribed).toBe(true);
    fake.fetches[0]?.resolve(body(3, { n: 3 }));
    await settle();
    frames.run();
    expect(store.getSnapshot().seq).toBe(1);
  });

  it('an invalid channel name is an error status, not a throw', () => {
    fake.failNextSubscribe(new HeraldError(ErrorCode.BadChannel, 'bad channel name'));
    const store = makeStore();
    store.subscribe(() => {});
    frames.run();
    expect(store.getSnapshot()).toMatchObject({ status: 'error' });
    expect(store.getSnapshot().error?.code).toBe(ErrorCode.BadChannel);
  });

  it('is shared per client and channel while in use, and forgotten when idle', () => {
    const a = getChannelStateStore(fake.client, 'job:1');
    expect(getChannelStateStore(fake.client, 'job:1')).toBe(a);
    expect(getChannelStateStore(fake.client, 'job:2')).not.toBe(a);
    a.subscribe(() => {})();
    vi.runAllTimers();
    expect(getChannelStateStore(fake.client, 'job:1')).not.toBe(a);
  });
});

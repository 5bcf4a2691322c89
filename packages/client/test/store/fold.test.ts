import type { Envelope } from '@herald/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createNotifyBatcher } from '../../src/store/batcher.js';
import { ChannelStore } from '../../src/store/channel-store.js';
import { envelope, type FakeClient, fakeClient, manualFrames } from './fake-client.js';

let fake: FakeClient;
let frames: ReturnType<typeof manualFrames>;
let store: ChannelStore;

const count = (state: number, event: Envelope) => (event.type === 'tick' ? state + 1 : state);

beforeEach(() => {
  vi.useFakeTimers();
  fake = fakeClient();
  frames = manualFrames();
  store = new ChannelStore(fake.client, 'run:1', { batcher: createNotifyBatcher(frames.scheduler) });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('ChannelStore.fold', () => {
  it('folds every event through the reducer and publishes the state at the flush', () => {
    const fold = store.fold(count, 0);
    const listener = vi.fn();
    fold.subscribe(listener);
    for (let seq = 1; seq <= 5; seq++) fake.last().options.onEvent?.(envelope(seq));
    expect(fold.getSnapshot()).toBe(0);
    frames.run();
    expect(fold.getSnapshot()).toBe(5);
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('does not notify when the reducer returned the same state (Object.is)', () => {
    const fold = store.fold(count, 0);
    const listener = vi.fn();
    fold.subscribe(listener);
    fake.last().options.onEvent?.(envelope(1, 'other'));
    frames.run();
    expect(listener).not.toHaveBeenCalled();
  });

  it('a fold created after events arrived starts from the events buffered, flushed or not', () => {
    store.subscribe(() => {});
    fake.last().options.onEvent?.(envelope(1));
    fake.last().options.onEvent?.(envelope(2));
    frames.run();
    fake.last().options.onEvent?.(envelope(3));
    expect(store.fold(count, 10).getSnapshot()).toBe(13);
  });

  it('is shared per key (the reducer by default); the first reducer and initial state win', () => {
    const byReducer = store.fold(count, 0);
    expect(store.fold(count, 99)).toBe(byReducer);
    const keyed = store.fold(count, 100, 'k');
    expect(keyed).not.toBe(byReducer);
    expect(store.fold((s: number) => s, 0, 'k')).toBe(keyed);
    keyed.subscribe(() => {});
    fake.last().options.onEvent?.(envelope(1));
    frames.run();
    expect(keyed.getSnapshot()).toBe(101);
  });

  it('its listeners keep the channel subscribed until they leave', () => {
    const off = store.fold(count, 0).subscribe(() => {});
    expect(fake.subscriptions).toHaveLength(1);
    vi.runAllTimers();
    expect(fake.last().unsubscribed).toBe(false);
    off();
    vi.runAllTimers();
    expect(fake.last().unsubscribed).toBe(true);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEmitter } from '../../src/emitter.js';
import { createStatusStore } from '../../src/status.js';
import { createTimers } from '../../src/timers.js';
import type { ClientEventMap } from '../../src/types.js';

describe('status store', () => {
  it('keeps the snapshot identity until a field changes', () => {
    const events = createEmitter<ClientEventMap>();
    const store = createStatusStore(events, {});
    const seen: unknown[] = [];
    events.on('status', (s) => seen.push(s));
    const first = store.status;
    expect(store.update({ attempt: 0, transport: null })).toBe(false);
    expect(store.status).toBe(first);
    expect(seen).toEqual([]);
    expect(store.update({ attempt: 2 })).toBe(true);
    expect(store.status).not.toBe(first);
    expect(seen).toEqual([store.status]);
  });

  it('refuses moves the transition table forbids, patching only', () => {
    const events = createEmitter<ClientEventMap>();
    const store = createStatusStore(events, {});
    const states: unknown[] = [];
    events.on('state', (s) => states.push(s));
    store.setState('connected', { attempt: 3 });
    expect(store.state).toBe('idle');
    expect(store.status.attempt).toBe(3);
    store.setState('connecting', {}, 1, 'why');
    expect(states).toEqual([{ oldState: 'idle', newState: 'connecting', code: 1, reason: 'why' }]);
  });
});

describe('named timers', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('replaces a timer of the same name and clears all', () => {
    vi.useFakeTimers();
    const timers = createTimers({
      setTimeout: (f, ms) => setTimeout(f, ms),
      clearTimeout: (h) => clearTimeout(h as never),
    });
    const fired: string[] = [];
    timers.set('a', 10, () => fired.push('a1'));
    timers.set('a', 20, () => fired.push('a2'));
    timers.set('b', 5, () => fired.push('b'));
    vi.advanceTimersByTime(30);
    expect(fired).toEqual(['b', 'a2']);
    timers.set('c', 10, () => fired.push('c'));
    timers.clearAll();
    timers.clear('missing');
    vi.advanceTimersByTime(30);
    expect(fired).toEqual(['b', 'a2']);
    expect(vi.getTimerCount()).toBe(0);
  });
});

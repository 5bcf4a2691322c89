import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTimers } from '../../src/timers.js';
import { watchHeartbeat } from '../../src/watchdog.js';

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

const timers = () =>
  createTimers({
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  });

describe('heartbeat watchdog', () => {
  it('calls dead after two heartbeats without any frame', () => {
    const dead = vi.fn();
    watchHeartbeat(timers(), Date.now, 1000, () => 0, dead);
    vi.advanceTimersByTime(1999);
    expect(dead).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(dead).toHaveBeenCalledTimes(1);
  });

  it('counts two heartbeats from the newest frame', () => {
    const dead = vi.fn();
    let last = 0;
    watchHeartbeat(timers(), Date.now, 1000, () => last, dead);
    vi.advanceTimersByTime(1500);
    last = Date.now();
    vi.advanceTimersByTime(1999); // 2 s after the frame at 1.5 s, not after the start
    expect(dead).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(dead).toHaveBeenCalledTimes(1);
  });

  it('stops with the watchdog timer (a teardown clears every timer)', () => {
    const dead = vi.fn();
    const t = timers();
    watchHeartbeat(t, Date.now, 1000, () => 0, dead);
    t.clearAll();
    vi.advanceTimersByTime(10_000);
    expect(dead).not.toHaveBeenCalled();
  });
});

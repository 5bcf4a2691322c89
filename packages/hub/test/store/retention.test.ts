import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ageCutoff,
  bytesOverflow,
  countWindowStart,
  DEFAULT_RETENTION,
  resolveRetention,
  startTrimTimer,
} from '../../src/store/retention.js';

describe('resolveRetention', () => {
  it('defaults to 10000 events, 24 hours and 64 MiB', () => {
    const defaults = { maxCount: 10_000, maxAgeMs: 86_400_000, maxBytes: 67_108_864 };
    expect(resolveRetention()).toEqual(defaults);
    expect(DEFAULT_RETENTION).toEqual(defaults);
    expect(resolveRetention({ maxCount: 5 })).toEqual({ ...defaults, maxCount: 5 });
    expect(resolveRetention({ maxBytes: 100 })).toEqual({ ...defaults, maxBytes: 100 });
  });

  it('rejects limits that cannot work', () => {
    expect(() => resolveRetention({ maxCount: 0 })).toThrow(RangeError);
    expect(() => resolveRetention({ maxCount: 1.5 })).toThrow(RangeError);
    expect(() => resolveRetention({ maxAgeMs: 0 })).toThrow(RangeError);
    expect(() => resolveRetention({ maxAgeMs: Number.NaN })).toThrow(RangeError);
    expect(() => resolveRetention({ maxBytes: 0 })).toThrow(RangeError);
    expect(() => resolveRetention({ maxBytes: 2.5 })).toThrow(/retention.maxBytes/);
  });
});

describe('retention windows', () => {
  it('keeps the newest maxCount seqs', () => {
    const r = { maxCount: 5, maxAgeMs: 1000, maxBytes: 1 };
    expect(countWindowStart(r, 0)).toBe(1);
    expect(countWindowStart(r, 5)).toBe(1);
    expect(countWindowStart(r, 6)).toBe(2);
    expect(countWindowStart(r, 100)).toBe(96);
  });

  it('cuts off at now - maxAgeMs as a sortable ISO string', () => {
    const cutoff = ageCutoff({ maxCount: 1, maxAgeMs: 1000, maxBytes: 1 }, Date.UTC(2026, 0, 1, 0, 0, 1));
    expect(cutoff).toBe('2026-01-01T00:00:00.000Z');
    expect('2025-12-31T23:59:59.999Z' < cutoff).toBe(true);
    expect('2026-01-01T00:00:00.000Z' < cutoff).toBe(false);
  });
});

describe('bytesOverflow', () => {
  it('drops the oldest events until the rest fit, keeping the newest', () => {
    expect(bytesOverflow(30, 3, 30, [10, 10, 10])).toBe(0);
    expect(bytesOverflow(30, 3, 25, [10, 10, 10])).toBe(1);
    expect(bytesOverflow(30, 3, 20, [10, 10, 10])).toBe(1);
    expect(bytesOverflow(30, 3, 19, [10, 10, 10])).toBe(2);
    // One event larger than the limit stays: a channel always keeps its newest event.
    expect(bytesOverflow(30, 3, 5, [10, 10, 10])).toBe(2);
    expect(bytesOverflow(100, 1, 5, [100])).toBe(0);
  });
});

describe('startTrimTimer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('trims every period until stopped and reports failures', async () => {
    vi.useFakeTimers();
    const errors: unknown[] = [];
    let calls = 0;
    const stop = startTrimTimer(
      async () => {
        calls++;
        if (calls === 2) throw new Error('boom');
      },
      1000,
      (e) => errors.push(e),
    );
    await vi.advanceTimersByTimeAsync(3500);
    expect(calls).toBe(3);
    expect(errors).toEqual([new Error('boom')]);
    stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls).toBe(3);
  });

  it('skips a period while the previous trim is still running', async () => {
    vi.useFakeTimers();
    let calls = 0;
    let finish: () => void = () => {};
    const stop = startTrimTimer(() => {
      calls++;
      return new Promise<void>((resolve) => {
        finish = resolve;
      });
    }, 100);
    await vi.advanceTimersByTimeAsync(450);
    expect(calls).toBe(1);
    finish();
    await vi.advanceTimersByTimeAsync(100);
    expect(calls).toBe(2);
    stop();
  });

  it('is off for a period of 0', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const stop = startTrimTimer(async () => {
      calls++;
    }, 0);
    await vi.advanceTimersByTimeAsync(1_000_000);
    expect(calls).toBe(0);
    stop();
  });
});

import { ErrorCode, HeraldError } from '@herald/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createContext } from '../../src/context.js';
import { createReconnectPolicy } from '../../src/reconnect.js';
import type { BackoffOptions } from '../../src/types.js';

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

const lost = new HeraldError(ErrorCode.ConnectionLost, 'gone');

function policy(backoff: Partial<BackoffOptions> = {}, online = () => true) {
  const ctx = createContext({
    url: 'http://hub.test',
    backoff: { initialMs: 1000, maxMs: 4000, minUptimeMs: 5000, ...backoff },
    environment: {
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      now: () => Date.now(),
      random: () => 0.5,
      isOnline: online,
    },
  });
  const open = vi.fn(() => ctx.store.setState('connecting'));
  ctx.store.setState('connecting');
  return { ctx, open, ...createReconnectPolicy(ctx, open) };
}

describe('reconnect policy', () => {
  it('waits a jittered, growing, capped delay before each attempt and shows when', () => {
    const { ctx, open, retry } = policy();
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      retry(lost, 1006, 'gone');
      const { nextRetryAt, attempt } = ctx.store.status;
      expect(attempt).toBe(i + 1);
      delays.push(nextRetryAt! - Date.now());
      vi.advanceTimersByTime(nextRetryAt! - Date.now());
      expect(open).toHaveBeenCalledTimes(i + 1);
    }
    expect(delays).toEqual([500, 1000, 2000, 2000]); // half of 1, 2, 4, then the 4 s cap
    expect(ctx.store.status.lastError).toBe(lost);
  });

  it('takes a given delay (drain, fresh token) instead of the backoff', () => {
    const { ctx, retry } = policy();
    retry(lost, 4409, 'expired', 0);
    expect(ctx.store.status.nextRetryAt).toBe(Date.now());
  });

  it('waits offline without a timer while the network is down', () => {
    const { ctx, open, retry } = policy({}, () => false);
    retry(lost, 1006, 'gone');
    expect(ctx.store.state).toBe('offline');
    vi.advanceTimersByTime(60_000);
    expect(open).not.toHaveBeenCalled();
  });

  it('gives up after maxAttempts, emits the error, and counts afresh after reset', () => {
    const { ctx, retry, reset } = policy({ maxAttempts: 1 });
    const errors: HeraldError[] = [];
    ctx.events.on('error', (e) => errors.push(e));
    retry(lost, 1006, 'gone');
    vi.runOnlyPendingTimers();
    retry(lost, 1006, 'gone');
    expect(ctx.store.state).toBe('failed');
    expect(errors).toEqual([lost]);
    reset();
    ctx.store.setState('connecting');
    retry(lost, 1006, 'gone');
    expect(ctx.store.state).toBe('reconnecting');
  });

  it('resets the failure count only after a connection stayed up minUptimeMs', () => {
    const { ctx, retry, connected } = policy();
    retry(lost, 1006, 'gone');
    vi.runOnlyPendingTimers();
    retry(lost, 1006, 'gone');
    vi.runOnlyPendingTimers();
    connected();
    vi.advanceTimersByTime(4999);
    retry(lost, 1006, 'gone'); // up too briefly: the count goes on
    expect(ctx.store.status.attempt).toBe(3);
    vi.runOnlyPendingTimers();
    connected();
    vi.advanceTimersByTime(5000);
    retry(lost, 1006, 'gone');
    expect(ctx.store.status.attempt).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF, mayRetry } from '../../src/backoff.js';

describe('backoffDelay (full jitter)', () => {
  it('doubles the ceiling from 1 s up to the 30 s cap', () => {
    const top = (attempt: number) => backoffDelay(attempt, DEFAULT_BACKOFF, () => 0.999999);
    expect([1, 2, 3, 4, 5, 6, 7, 20].map(top)).toEqual([999, 1999, 3999, 7999, 15999, 29999, 29999, 29999]);
  });

  it('spreads delays uniformly between 0 and the ceiling', () => {
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0)).toBe(0);
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0.5)).toBe(2000);
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0.25)).toBe(1000);
  });

  it('honours a custom policy', () => {
    const policy = { ...DEFAULT_BACKOFF, initialMs: 100, factor: 3, maxMs: 1000 };
    expect([1, 2, 3, 4].map((a) => backoffDelay(a, policy, () => 0.999999))).toEqual([99, 299, 899, 999]);
  });

  it('treats attempt 0 like attempt 1', () => {
    expect(backoffDelay(0, DEFAULT_BACKOFF, () => 0.5)).toBe(500);
  });
});

describe('mayRetry', () => {
  it('retries forever by default and stops at maxAttempts', () => {
    expect(mayRetry(1_000_000, DEFAULT_BACKOFF)).toBe(true);
    const policy = { ...DEFAULT_BACKOFF, maxAttempts: 2 };
    expect([0, 1, 2, 3].map((a) => mayRetry(a, policy))).toEqual([true, true, false, false]);
  });
});

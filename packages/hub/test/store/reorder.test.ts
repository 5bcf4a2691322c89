import type { Envelope } from '@herald/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createReorderer } from '../../src/store/reorder.js';

const batch = (...seqs: number[]): Envelope[] =>
  seqs.map((seq) => ({ channel: 'c', seq, id: `id-${seq}`, ts: '', type: 't', data: seq }));

function setup(options: { holdMs?: number; maxChannels?: number } = {}) {
  const out: string[] = [];
  const reorderer = createReorderer(
    (ch, evs) => out.push(`${ch}:${evs.map((e) => e.seq).join(',')}`),
    options,
  );
  return { out, reorderer };
}

describe('createReorderer', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('passes in-order batches straight through', () => {
    const { out, reorderer } = setup();
    reorderer.push('c', batch(1, 2));
    reorderer.push('c', batch(3));
    reorderer.push('d', batch(7));
    expect(out).toEqual(['c:1,2', 'c:3', 'd:7']);
  });

  it('holds a batch that overtook another and releases both in order', () => {
    const { out, reorderer } = setup();
    reorderer.push('c', batch(1));
    reorderer.push('c', batch(4, 5));
    reorderer.push('c', batch(3));
    expect(out).toEqual(['c:1']);
    reorderer.push('c', batch(2));
    expect(out).toEqual(['c:1', 'c:2', 'c:3', 'c:4,5']);
    reorderer.close();
  });

  it('gives up on a missing seq after holdMs and drops it if it comes later', async () => {
    const { out, reorderer } = setup({ holdMs: 100 });
    reorderer.push('c', batch(1));
    reorderer.push('c', batch(3));
    await vi.advanceTimersByTimeAsync(99);
    expect(out).toEqual(['c:1']);
    await vi.advanceTimersByTimeAsync(1);
    expect(out).toEqual(['c:1', 'c:3']);
    reorderer.push('c', batch(2));
    reorderer.push('c', batch(4));
    expect(out).toEqual(['c:1', 'c:3', 'c:4']);
  });

  it('waits afresh for a second hole', async () => {
    const { out, reorderer } = setup({ holdMs: 100 });
    reorderer.push('c', batch(1));
    reorderer.push('c', batch(3));
    reorderer.push('c', batch(6));
    await vi.advanceTimersByTimeAsync(100);
    expect(out).toEqual(['c:1', 'c:3']);
    reorderer.push('c', batch(4, 5));
    expect(out).toEqual(['c:1', 'c:3', 'c:4,5', 'c:6']);
    await vi.advanceTimersByTimeAsync(1000);
    expect(out).toHaveLength(4);
  });

  it('delivers only the new part of an overlapping batch', () => {
    const { out, reorderer } = setup();
    reorderer.push('c', batch(1, 2));
    reorderer.push('c', batch(2, 3));
    reorderer.push('c', batch(1, 2, 3));
    expect(out).toEqual(['c:1,2', 'c:3']);
  });

  it('delivers everything held on close', () => {
    const { out, reorderer } = setup();
    reorderer.push('c', batch(1));
    reorderer.push('c', batch(3));
    reorderer.push('c', batch(5));
    reorderer.close();
    expect(out).toEqual(['c:1', 'c:3', 'c:5']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('forgets idle channels beyond maxChannels', () => {
    const { out, reorderer } = setup({ maxChannels: 2 });
    reorderer.push('a', batch(5));
    reorderer.push('b', batch(5));
    reorderer.push('c', batch(5));
    // 'a' was forgotten, so an older batch is taken as a new start instead of being dropped ('b' is
    // forgotten in turn); 'c' is still remembered.
    reorderer.push('a', batch(2));
    reorderer.push('c', batch(2));
    expect(out).toEqual(['a:5', 'b:5', 'c:5', 'a:2']);
  });
});

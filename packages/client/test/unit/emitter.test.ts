import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEmitter, safeCall } from '../../src/emitter.js';

interface Events {
  a: number;
  b: string;
}

describe('emitter', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('delivers to listeners of the event only and unsubscribes', () => {
    const e = createEmitter<Events>();
    const seen: unknown[] = [];
    const off = e.on('a', (n) => seen.push(n));
    e.on('b', (s) => seen.push(s));
    e.emit('a', 1);
    e.emit('b', 'x');
    off();
    off();
    e.emit('a', 2);
    expect(seen).toEqual([1, 'x']);
    e.clear();
    e.emit('b', 'y');
    expect(seen).toEqual([1, 'x']);
  });

  it('iterates a copy, so a listener may unsubscribe another mid-emit', () => {
    const e = createEmitter<Events>();
    const seen: string[] = [];
    let offSecond = () => {};
    e.on('a', () => {
      seen.push('first');
      offSecond();
    });
    offSecond = e.on('a', () => seen.push('second'));
    e.emit('a', 1);
    e.emit('a', 2);
    expect(seen).toEqual(['first', 'second', 'first']);
  });

  it('keeps calling listeners when one throws and rethrows asynchronously', async () => {
    const e = createEmitter<Events>();
    const thrown: unknown[] = [];
    const onError = (err: unknown) => thrown.push(err);
    process.on('uncaughtException', onError);
    const seen: number[] = [];
    e.on('a', () => {
      throw new Error('boom');
    });
    e.on('a', (n) => seen.push(n));
    e.emit('a', 7);
    expect(seen).toEqual([7]);
    await new Promise((r) => setTimeout(r, 10));
    process.off('uncaughtException', onError);
    expect(thrown).toHaveLength(1);
    expect((thrown[0] as Error).message).toBe('boom');
  });

  it('safeCall tolerates an absent callback', () => {
    expect(() => safeCall(undefined, 1)).not.toThrow();
  });
});

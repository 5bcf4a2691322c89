import { describe, expect, it } from 'vitest';
import { createAnswerQueue } from '../../src/http/answer-queue.js';

describe('createAnswerQueue', () => {
  it('writes the answers queued in one turn after it, in order, and goes on past one that throws', async () => {
    const errors: unknown[] = [];
    const later = createAnswerQueue((err) => errors.push(err));
    const written: string[] = [];
    later(() => written.push('a'));
    later(() => {
      throw new Error('boom');
    });
    later(() => written.push('c'));
    expect(written).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(written).toEqual(['a', 'c']);
    expect(errors.map((e) => (e as Error).message)).toEqual(['boom']);
    // A later turn gets its own batch.
    later(() => written.push('d'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(written).toEqual(['a', 'c', 'd']);
  });
});

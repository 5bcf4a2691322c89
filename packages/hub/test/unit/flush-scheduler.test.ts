import { waitFor } from '@herald/testing';
import { describe, expect, it } from 'vitest';
import { FlushScheduler } from '../../src/flush-scheduler.js';

class Peer {
  flushScheduled = false;
  flushes = 0;
  behindFor = 0;
  flush(): boolean {
    this.flushes++;
    if (this.behindFor === 0) return false;
    this.behindFor--;
    return true;
  }
}

const nextRound = () => new Promise((resolve) => setImmediate(resolve));

describe('flush scheduler', () => {
  it('flushes each marked peer once per round, however often it was marked', async () => {
    const s = new FlushScheduler((err) => {
      throw err;
    });
    const a = new Peer();
    const b = new Peer();
    s.mark(a);
    s.mark(b);
    s.mark(a);
    await nextRound();
    expect([a.flushes, b.flushes]).toEqual([1, 1]);
    expect(a.flushScheduled).toBe(false);
    s.mark(a);
    await nextRound();
    expect([a.flushes, b.flushes]).toEqual([2, 1]);
    s.stop();
  });

  it('skips forgotten peers, and flushes once a peer forgotten then marked again', async () => {
    const s = new FlushScheduler((err) => {
      throw err;
    });
    const gone = new Peer();
    const back = new Peer();
    s.mark(gone);
    s.mark(back);
    s.forget(gone);
    s.forget(back);
    s.mark(back);
    await nextRound();
    expect([gone.flushes, back.flushes]).toEqual([0, 1]);
    s.stop();
  });

  it('retries peers that are behind until they catch up', async () => {
    const s = new FlushScheduler((err) => {
      throw err;
    }, 1);
    const slow = new Peer();
    slow.behindFor = 2;
    s.mark(slow);
    await waitFor(() => slow.flushes >= 3);
    expect(slow.flushes).toBe(3);
    s.stop();
  });

  it('stop forgets the pending round', async () => {
    const s = new FlushScheduler((err) => {
      throw err;
    });
    const p = new Peer();
    s.mark(p);
    s.stop();
    expect(p.flushScheduled).toBe(false);
    await nextRound();
    expect(p.flushes).toBe(0);
  });
});

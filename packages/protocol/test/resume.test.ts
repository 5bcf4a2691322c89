import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type HistoryExtent, historyPage, planResume } from '../src/index.js';

const extent = (firstSeq: number, lastSeq: number, epoch = 'e1'): HistoryExtent => ({
  epoch,
  firstSeq,
  lastSeq,
});

describe('planResume', () => {
  it('starts after lastSeq, recovered, without a position', () => {
    expect(planResume(extent(1, 9))).toEqual({ recovered: true, from: 9 });
  });

  it('replays from a covered position in the same epoch or with no epoch', () => {
    expect(planResume(extent(5, 9), { epoch: 'e1', seq: 4 })).toEqual({ recovered: true, from: 4 });
    expect(planResume(extent(5, 9), { seq: 9 })).toEqual({ recovered: true, from: 9 });
    expect(planResume(extent(1, 0), { seq: 0 })).toEqual({ recovered: true, from: 0 });
  });

  it('does not recover a trimmed, future or foreign position', () => {
    expect(planResume(extent(5, 9), { seq: 3 })).toEqual({ recovered: false, from: 9 });
    expect(planResume(extent(5, 9), { seq: 10 })).toEqual({ recovered: false, from: 9 });
    expect(planResume(extent(5, 9), { epoch: 'e0', seq: 7 })).toEqual({ recovered: false, from: 9 });
    // Everything trimmed (by age): only the newest position is still whole.
    expect(planResume(extent(10, 9), { seq: 8 })).toEqual({ recovered: false, from: 9 });
    expect(planResume(extent(10, 9), { seq: 9 })).toEqual({ recovered: true, from: 9 });
  });

  it('reads the same from an HTTP history page as from the hub extent', () => {
    const arb = fc.record({
      first: fc.integer({ min: 1, max: 50 }),
      count: fc.integer({ min: 0, max: 50 }),
      seq: fc.integer({ min: 0, max: 120 }),
      sameEpoch: fc.boolean(),
    });
    fc.assert(
      fc.property(arb, ({ first, count, seq, sameEpoch }) => {
        const hub = extent(first, first + count - 1);
        const page = historyPage('run:1', hub, []);
        const since = { seq, epoch: sameEpoch ? 'e1' : 'e2' };
        expect(planResume(page, since)).toEqual(planResume(hub, since));
      }),
    );
  });
});

describe('historyPage', () => {
  it('names the extent as WebSocket does and keeps the first names', () => {
    expect(historyPage('run:1', extent(3, 4), [])).toEqual({
      channel: 'run:1',
      epoch: 'e1',
      events: [],
      firstSeq: 3,
      lastSeq: 4,
      first_seq: 3,
      last_seq: 4,
    });
    expect(historyPage('run:1', extent(5, 4), [])).toMatchObject({ firstSeq: 5, first_seq: 0 });
  });
});

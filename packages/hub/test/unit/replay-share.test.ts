import { describe, expect, it } from 'vitest';
import type { EncodedBatch } from '../../src/encoded-batch.js';
import { splitBatch } from '../../src/encoded-batch.js';
import { MAX_READS_IN_FLIGHT, readHistory, replayRange, SHARED_PAGE_BUDGETS } from '../../src/replay.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { EventStore } from '../../src/store/types.js';

/** A real memory store that counts its reads. */
function countingStore(): { store: EventStore; reads: () => number; peak: () => number } {
  const inner = createMemoryStore({}, { trimIntervalMs: 0 });
  let reads = 0;
  let inFlight = 0;
  let peak = 0;
  const store: EventStore = Object.assign(Object.create(inner) as EventStore, {
    read: async (channel: string, after: number, limit: number, maxBytes?: number) => {
      reads++;
      inFlight++;
      peak = Math.max(peak, inFlight);
      // A store answering on a later turn, as networked ones do, so reads can overlap.
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight--;
      return inner.read(channel, after, limit, maxBytes);
    },
  });
  return { store, reads: () => reads, peak: () => peak };
}

async function collect(
  store: EventStore,
  channel: string,
  from: number,
  to: number,
  pageBytes?: number,
): Promise<EncodedBatch[]> {
  const pages: EncodedBatch[] = [];
  await replayRange(
    store,
    channel,
    from,
    to,
    (b) => {
      pages.push(b);
      return true;
    },
    undefined,
    pageBytes,
  );
  return pages;
}

describe('replay pages shared between clients', () => {
  it('serves the same range from one store read, encoded once, to every replay', async () => {
    const { store, reads } = countingStore();
    await store.append(
      'run:1',
      Array.from({ length: 1_200 }, (_, i) => ({ type: 't', data: { i } })),
    );
    const first = await collect(store, 'run:1', 100, 1_200);
    const second = await collect(store, 'run:1', 100, 1_200);
    expect(first.map((b) => [b.firstSeq, b.lastSeq])).toEqual([
      [101, 1_100],
      [1_101, 1_200],
    ]);
    expect(reads()).toBe(2);
    // The very same batches: their encodings and frames are built once for both.
    expect(second).toHaveLength(2);
    for (let i = 0; i < 2; i++) expect(second[i]).toBe(first[i]);
    expect(splitBatch(second[0] as EncodedBatch, 4_096)).toBe(splitBatch(first[0] as EncodedBatch, 4_096));
  });

  it('cuts a shared page at the replay end and reads on past a page read while the channel was shorter', async () => {
    const { store } = countingStore();
    await store.append(
      'run:2',
      Array.from({ length: 10 }, (_, i) => ({ type: 't', data: { i } })),
    );
    const short = await collect(store, 'run:2', 0, 4);
    expect(short.map((b) => b.envelopes.map((e) => e.seq))).toEqual([[1, 2, 3, 4]]);
    await store.append(
      'run:2',
      Array.from({ length: 5 }, (_, i) => ({ type: 't', data: { i } })),
    );
    const longer = await collect(store, 'run:2', 0, 15);
    expect(longer.flatMap((b) => b.envelopes.map((e) => e.seq))).toEqual(
      Array.from({ length: 15 }, (_, i) => i + 1),
    );
  });

  it('still refuses a range retention trimmed, with ERR_BAD_POSITION', async () => {
    const inner = createMemoryStore({ maxCount: 5 }, { trimIntervalMs: 0 });
    await inner.append(
      'run:3',
      Array.from({ length: 20 }, (_, i) => ({ type: 't', data: { i } })),
    );
    await expect(collect(inner, 'run:3', 2, 20)).rejects.toMatchObject({ code: 'ERR_BAD_POSITION' });
  });

  it('cuts pages by payload bytes, at least one event each, and never mixes page budgets', async () => {
    const { store, reads } = countingStore();
    // Data JSON of 1,000 characters each.
    await store.append(
      'big',
      Array.from({ length: 10 }, (_, i) => ({ type: 't', data: String(i).repeat(998) })),
    );
    const pages = await collect(store, 'big', 0, 10, 2_500);
    expect(pages.map((b) => b.envelopes.map((e) => e.seq))).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
      [9, 10],
    ]);
    const tiny = await collect(store, 'big', 0, 10, 10);
    expect(tiny.map((b) => b.envelopes.length)).toEqual(Array.from({ length: 10 }, () => 1));
    // Another budget reads its own pages.
    expect(reads()).toBe(15);
    const again = await collect(store, 'big', 0, 10, 2_500);
    for (let i = 0; i < pages.length; i++) expect(again[i]).toBe(pages[i]);
    expect(reads()).toBe(15);
  });

  it('keeps at most a few page reads in flight, however many readers wait', async () => {
    const { store, peak } = countingStore();
    for (let c = 0; c < 40; c++) await store.append(`ch:${c}`, [{ type: 't', data: c }]);
    await Promise.all(Array.from({ length: 40 }, (_, c) => collect(store, `ch:${c}`, 0, 1)));
    expect(peak()).toBeGreaterThan(1);
    expect(peak()).toBeLessThanOrEqual(MAX_READS_IN_FLIGHT);
  });

  it('answers a history read from a shared page only when the page cannot have grown', async () => {
    const { store, reads } = countingStore();
    await store.append(
      'h',
      Array.from({ length: 30 }, (_, i) => ({ type: 't', data: 'x'.repeat(98 + (i % 2)) })),
    );
    // Cut by bytes before the end: later readers of the range share it, cut to their own limit.
    const a = await readHistory(store, 'h', 0, 1000, 1_000);
    const b = await readHistory(store, 'h', 0, 3, 1_000);
    expect(a.batch?.envelopes.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(b.batch?.envelopes.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(reads()).toBe(1);
    // A page that reached the channel's end is read afresh each time, so new events show at once.
    const tail = await readHistory(store, 'h', 27, 1000, 1_000);
    expect(tail.batch?.envelopes.map((e) => e.seq)).toEqual([28, 29, 30]);
    await store.append('h', [{ type: 't', data: 'new' }]);
    const grown = await readHistory(store, 'h', 27, 1000, 1_000);
    expect(grown.batch?.envelopes.map((e) => e.seq)).toEqual([28, 29, 30, 31]);
    expect(grown.info.lastSeq).toBe(31);
    expect(reads()).toBe(3);
    // An empty channel (never written) answers an empty page.
    expect(await readHistory(store, 'none', 0, 10, 1_000)).toMatchObject({
      batch: null,
      info: { lastSeq: 0 },
    });
  });

  it('keeps the shared pages within their byte budget, dropping the oldest', async () => {
    const { store, reads } = countingStore();
    await store.append(
      'wide',
      Array.from({ length: SHARED_PAGE_BUDGETS + 8 }, () => ({ type: 't', data: 'z'.repeat(900) })),
    );
    // One event per page (its ~1,000 encoded bytes fill the 950-byte budget): more pages than the cache keeps.
    const all = await collect(store, 'wide', 0, SHARED_PAGE_BUDGETS + 8, 950);
    expect(all).toHaveLength(SHARED_PAGE_BUDGETS + 8);
    const before = reads();
    await collect(store, 'wide', SHARED_PAGE_BUDGETS + 7, SHARED_PAGE_BUDGETS + 8, 950);
    expect(reads()).toBe(before);
    await collect(store, 'wide', 0, 1, 950);
    expect(reads()).toBe(before + 1);
  });
});

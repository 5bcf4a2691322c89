import { describe, expect, it } from 'vitest';
import type { EncodedBatch } from '../../src/encoded-batch.js';
import { splitBatch } from '../../src/encoded-batch.js';
import { replayRange } from '../../src/replay.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { EventStore } from '../../src/store/types.js';

/** A real memory store that counts its reads. */
function countingStore(): { store: EventStore; reads: () => number } {
  const inner = createMemoryStore({}, { trimIntervalMs: 0 });
  let reads = 0;
  const store: EventStore = Object.assign(Object.create(inner) as EventStore, {
    read: (channel: string, after: number, limit: number) => {
      reads++;
      return inner.read(channel, after, limit);
    },
  });
  return { store, reads: () => reads };
}

async function collect(
  store: EventStore,
  channel: string,
  from: number,
  to: number,
): Promise<EncodedBatch[]> {
  const pages: EncodedBatch[] = [];
  await replayRange(store, channel, from, to, (b) => {
    pages.push(b);
    return true;
  });
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
      [101, 600],
      [601, 1_100],
      [1_101, 1_200],
    ]);
    expect(reads()).toBe(3);
    // The very same batches: their encodings and frames are built once for both.
    expect(second).toHaveLength(3);
    for (let i = 0; i < 3; i++) expect(second[i]).toBe(first[i]);
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
});
